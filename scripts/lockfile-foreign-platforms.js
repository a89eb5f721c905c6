#!/usr/bin/env node
// The npm registry reachable here serves only the Linux builds of native packages (@swc/core,
// msgpackr-extract, unrs-resolver); `npm install` then leaves the other platforms' optional
// packages out of package-lock.json, and `npm ci` refuses the lock ("Missing: ... from lock file").
// This adds those entries with the os/cpu read from the package name, so npm skips them as
// "unsupported platform" on Linux and a machine with the full registry still resolves them.
// Run after any `npm install` that changes the lock: `node scripts/lockfile-foreign-platforms.js`.
const fs = require('node:fs');
const path = require('node:path');

const lockPath = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
const OS = ['darwin', 'linux', 'win32', 'freebsd', 'android', 'openbsd', 'sunos', 'aix', 'netbsd'];
const CPU = { x64: 'x64', arm64: 'arm64', arm: 'arm', ia32: 'ia32', ppc64: 'ppc64', s390x: 's390x', riscv64: 'riscv64', wasm32: 'wasm32', loong64: 'loong64' };

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.map((p) => CPU[p]).find(Boolean);
  const libc = parts.find((p) => p === 'musl' || p === 'gnu');
  return { os, cpu, libc };
}

let added = 0;
for (const [where, entry] of Object.entries(lock.packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${dep}`;
    const nested = `${where}/node_modules/${dep}`;
    if (lock.packages[key] || lock.packages[nested]) continue;
    const { os, cpu, libc } = platformOf(dep);
    if (!cpu) throw new Error(`cannot tell the platform of ${dep}`);
    lock.packages[key] = {
      version,
      cpu: [cpu],
      ...(os ? { os: [os] } : {}),
      ...(libc && os === 'linux' ? { libc: [libc === 'gnu' ? 'glibc' : 'musl'] } : {}),
      optional: true,
      ...(entry.dev ? { dev: true } : {}),
    };
    added++;
  }
}
const sorted = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
lock.packages = sorted;
fs.writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: added ${added} foreign-platform optional entries`);
