#!/usr/bin/env node
// Stand-in for Prisma's native schema-engine binary, which cannot be downloaded on offline machines.
// `prisma generate` only checks that PRISMA_SCHEMA_ENGINE_BINARY names a file and asks it --version.
// Anything else (a stock `prisma migrate ...`) must fail loudly: a silent exit would make
// `prisma migrate diff --exit-code` report "no drift" forever. Use `switchboard db ...` instead.
const message =
  'The native Prisma schema engine is not installed. Use `switchboard db migrate|status|check|create-migration`.';

if (process.argv.includes('--version')) {
  console.log(`schema-engine-cli ${require('@prisma/engines-version').enginesVersion} (switchboard stand-in)`);
} else if (process.argv.includes('cli')) {
  // One-shot mode: the Prisma CLI parses stderr lines after the first as JSON log lines.
  console.error('');
  console.error(JSON.stringify({ level: 'ERROR', target: 'schema_engine::logger', fields: { error_code: 'OFFLINE', message } }));
  process.exitCode = 1;
} else {
  // JSON-RPC mode: answer every request with an error instead of exiting silently.
  require('node:readline')
    .createInterface({ input: process.stdin })
    .on('line', (line) => {
      let id = null;
      try {
        id = JSON.parse(line).id;
      } catch {
        // not JSON: answer with a null id
      }
      const error = { code: 4466, message, data: { is_panic: false, message, error_code: 'OFFLINE' } };
      process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', id, error })}\n`);
    });
}
