#!/usr/bin/env node
// The `switchboard` command. The TypeScript sources are compiled by `npm install` (postinstall).
const path = require('node:path');
const fs = require('node:fs');

const cli = path.join(__dirname, '..', 'dist', 'apps', 'gateway', 'src', 'cli', 'cli.js');
if (!fs.existsSync(cli)) {
  console.error('switchboard: not built yet; run `npm install` (or `npm run build`) in the project folder first');
  process.exit(1);
}
void require(cli).runCli(process.argv.slice(2));
