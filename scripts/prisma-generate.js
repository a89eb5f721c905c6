#!/usr/bin/env node
// `prisma generate` without network: point the CLI at a stand-in schema engine so it skips the
// download of the native binary (generate never runs it; the client generator is WebAssembly).
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(__dirname, 'no-schema-engine.js');
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';
const prismaCli = require.resolve('prisma/build/index.js');
const result = spawnSync(process.execPath, [prismaCli, 'generate', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env,
  cwd: path.join(__dirname, '..'),
});
process.exit(result.status ?? 1);
