import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm' with { 'resolution-mode': 'import' };
import type { SchemaFile } from './migration-files';

export type { SchemaEngine };

type EngineGlue = typeof import('@prisma/schema-engine-wasm/schema_engine_bg', {
  with: { 'resolution-mode': 'import' },
});

// @types/node 20 ships no WebAssembly typings (TypeScript has them in lib.dom): the calls used here.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, object>) => { exports: Record<string, unknown> };
};

let glue: Promise<EngineGlue> | undefined;

// The engine arms a 10 s timer per operation (its advisory-lock timeout) and never clears it, which
// keeps a CLI process alive 10 s after its work is done. Its timers go through this set and are
// cleared once no engine is in use.
const engineTimers = new Set<NodeJS.Timeout>();
let enginesInUse = 0;

function engineSetTimeout(callback: () => void, ms: number): NodeJS.Timeout {
  const timer = setTimeout(() => {
    engineTimers.delete(timer);
    callback();
  }, ms >>> 0);
  engineTimers.add(timer);
  return timer;
}

// The package entry does `import * as wasm from "./schema_engine_bg.wasm"`, which Node 20 cannot
// load without --experimental-wasm-modules. So we do what that entry does: compile the .wasm that
// ships beside the wasm-bindgen glue and hand its exports to the glue. Once per process.
function loadGlue(): Promise<EngineGlue> {
  glue ??= (async () => {
    const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    // A real dynamic import (tsc keeps `import()` under module node16): the glue is ESM.
    const loaded = (await import(pathToFileURL(gluePath).href)) as EngineGlue;
    const imports: Record<string, unknown> = { ...loaded };
    for (const name of Object.keys(imports)) {
      if (name.startsWith('__wbg_setTimeout_')) imports[name] = engineSetTimeout;
    }
    const wasm = new WebAssembly.Module(readFileSync(path.join(path.dirname(gluePath), 'schema_engine_bg.wasm')));
    const instance = new WebAssembly.Instance(wasm, { './schema_engine_bg.js': imports });
    loaded.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return loaded;
  })();
  return glue;
}

/**
 * Runs `run` with a schema engine (the one behind `prisma migrate`) that reaches the database
 * through a driver adapter factory instead of a connection string, and frees it after.
 */
export async function withSchemaEngine<T>(
  factory: SqlMigrationAwareDriverAdapterFactory,
  schemaFiles: SchemaFile[],
  run: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const { SchemaEngine } = await loadGlue();
  const datamodels = schemaFiles.map((file): [string, string] => [file.path, file.content]);
  enginesInUse++;
  try {
    // The engine's log callback receives JSON lines; the migrator reports through return values.
    const engine = await SchemaEngine.new({ datamodels }, () => undefined, bindMigrationAwareSqlAdapterFactory(factory));
    try {
      return await run(engine);
    } finally {
      engine.free();
    }
  } finally {
    if (--enginesInUse === 0) {
      for (const timer of engineTimers) clearTimeout(timer);
      engineTimers.clear();
    }
  }
}
