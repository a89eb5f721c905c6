#!/usr/bin/env node
// `npm run build:admin`: builds the admin console (a static Next.js export) into dist/admin, which
// the gateway serves at /admin. The export is rebuilt only when its sources changed: a stamp file
// holds a hash of every source the console is built from.
const { spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const app = path.join(root, 'apps/admin');
const exported = path.join(app, 'out');
const target = path.join(root, 'dist/admin');
const stampFile = path.join(target, '.build-stamp');

// The console's own sources and the contract it shares with the admin API.
const sourceDirs = [app, path.join(root, 'libs/admin-api/src/contract')];
const skippedDirs = new Set(['node_modules', '.next', 'out']);
const packageLock = path.join(root, 'package-lock.json');

function filesUnder(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return skippedDirs.has(entry.name) ? [] : filesUnder(full);
    // Next rewrites next-env.d.ts on every build; it is not a source.
    return entry.isFile() && entry.name !== 'next-env.d.ts' && !entry.name.endsWith('.tsbuildinfo') ? [full] : [];
  });
}

function sourceHash() {
  const hash = createHash('sha256');
  for (const file of [...sourceDirs.flatMap(filesUnder), packageLock].sort()) {
    hash.update(path.relative(root, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

const lockFile = path.join(root, 'dist/admin.build-lock');

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function isRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// Two builds at once (two `npm run build`, or `npm start` while a test builds) would share
// apps/admin/.next, which Next refuses: the second waits for the first, then finds nothing to do.
function acquireLock() {
  fs.mkdirSync(path.dirname(lockFile), { recursive: true });
  for (let announced = false; ; ) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    const holder = Number(fs.readFileSync(lockFile, 'utf8'));
    if (!holder || !isRunning(holder)) {
      fs.rmSync(lockFile, { force: true });
      continue;
    }
    if (!announced) console.log(`admin console: waiting for the build in process ${holder}`);
    announced = true;
    sleep(500);
  }
}

acquireLock();
process.on('exit', () => fs.rmSync(lockFile, { force: true }));

const stamp = sourceHash();
const force = process.argv.includes('--force');
if (!force && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp && fs.existsSync(path.join(target, 'index.html'))) {
  console.log('admin console: sources unchanged, build skipped (--force rebuilds)');
  process.exit(0);
}

const next = require.resolve('next/dist/bin/next', { paths: [root] });
const result = spawnSync(process.execPath, [next, 'build'], {
  cwd: app,
  stdio: 'inherit',
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
});
if (result.status !== 0) {
  console.error(`admin console: next build failed (exit ${result.status ?? result.signal})`);
  process.exit(1);
}
fs.rmSync(target, { recursive: true, force: true });
fs.cpSync(exported, target, { recursive: true });
fs.writeFileSync(stampFile, stamp);
console.log(`admin console: exported to ${path.relative(root, target)}`);
