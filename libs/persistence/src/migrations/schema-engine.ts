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

// The package entry does `import * as wasm from "./schema_engine_bg.wasm"`, which Node 20 cannot
// load without --experimental-wasm-modules. So we do what that entry does: compile the .wasm that
// ships beside the wasm-bindgen glue and hand its exports to the glue. Once per process.
function loadGlue(): Promise<EngineGlue> {
  glue ??= (async () => {
    const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    // A real dynamic import (tsc keeps `import()` under module node16): the glue is ESM.
    const loaded = (await import(pathToFileURL(gluePath).href)) as EngineGlue;
    const wasm = new WebAssembly.Module(readFileSync(path.join(path.dirname(gluePath), 'schema_engine_bg.wasm')));
    const instance = new WebAssembly.Instance(wasm, {
      './schema_engine_bg.js': loaded,
    });
    loaded.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return loaded;
  })();
  return glue;
}

/**
 * A schema engine (the one behind `prisma migrate`) that reaches the database through a driver
 * adapter factory instead of a connection string. Call `free()` when done.
 */
export async function createSchemaEngine(
  factory: SqlMigrationAwareDriverAdapterFactory,
  schemaFiles: SchemaFile[],
): Promise<SchemaEngine> {
  const { SchemaEngine } = await loadGlue();
  const bound = bindMigrationAwareSqlAdapterFactory(factory);
  const datamodels = schemaFiles.map((file): [string, string] => [file.path, file.content]);
  // The engine's log callback receives JSON lines; the migrator reports through return values.
  return SchemaEngine.new({ datamodels }, () => undefined, bound);
}
