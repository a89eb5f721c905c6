#!/usr/bin/env node
// `npm run build`, but only when the sources changed since the last build: `npm start` and the
// end-to-end tests run this, so they never run a stale dist/ and do not pay for a build that
// would change nothing. The sources' content hash is kept in dist/.build-stamp after a build.
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = path.join(__dirname, '..');
const STAMP = path.join(ROOT, 'dist', '.build-stamp');
// What the build reads: the TypeScript of the apps and libs, and the settings that steer it.
const SOURCE_DIRS = ['apps', 'libs'];
const SOURCE_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json'];
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.next', 'out']);
// Tests are not built into dist/.
const isTest = (name) => name.endsWith('.spec.ts') || name.endsWith('.e2e-spec.ts');

function sourceFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : sourceFiles(full);
    return entry.isFile() && !isTest(entry.name) ? [full] : [];
  });
}

function sourcesHash() {
  const files = [
    ...SOURCE_DIRS.flatMap((dir) => sourceFiles(path.join(ROOT, dir))),
    ...SOURCE_FILES.map((file) => path.join(ROOT, file)).filter((file) => fs.existsSync(file)),
  ].sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(path.relative(ROOT, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

const hash = sourcesHash();
const built = fs.existsSync(STAMP) ? fs.readFileSync(STAMP, 'utf8').trim() : '';
if (built === hash) process.exit(0);

console.error('switchboard: sources changed since the last build; building (npm run build)');
const npm = process.env.npm_execpath;
// Under npm, its own CLI; otherwise the npm on the PATH.
const result = npm
  ? spawnSync(process.execPath, [npm, 'run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' })
  : spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
if (result.status !== 0) process.exit(result.status ?? 1);
// The hash from before the build: a source edited during it makes the next run build again.
fs.writeFileSync(STAMP, `${hash}\n`);
