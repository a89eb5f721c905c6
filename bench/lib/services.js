// The local services the benchmarks use, and the context printed with every result.
const { execFileSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const os = require('node:os');
const path = require('node:path');
const { Client } = require('pg');

const ROOT = path.resolve(__dirname, '../..');
const DIST = path.join(ROOT, 'dist');
const CLI = path.join(ROOT, 'bin/switchboard.js');
// Loopback only: a benchmark must never load a shared or remote server.
const POSTGRES_URL = 'postgresql://postgres@127.0.0.1:5432/test';
const REDIS_URL = 'redis://127.0.0.1:6379';

function uniqueName(prefix) {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** A new empty database on the local server; `drop()` removes it. */
async function createDatabase() {
  const name = uniqueName('sb_bench');
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** A database the caller names and keeps between runs (created when missing, never dropped). */
async function keptDatabase(name) {
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(name)) throw new Error(`--database expects a lower-case name such as adminperf_bench, got ${name}`);
  const client = new Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return { url: url.toString() };
}

async function adminQuery(sql) {
  const client = new Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Creates or updates a store the way an operator does, with `switchboard db migrate` in a process of
 * its own, so the measured process carries neither the migration engine nor PGlite's initdb in its RSS.
 */
function migrate(env) {
  execFileSync(process.execPath, [CLI, 'db', 'migrate'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: 'pipe',
    timeout: 120_000,
  });
}

/** Where the figures come from, so that pasted results can be compared later. */
function environment() {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    // Not a git checkout (a packed release): the figures stay useful without it.
  }
  return {
    date: new Date().toISOString(),
    commit,
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
  };
}

function printJson(bench, data) {
  process.stdout.write(`BENCH_JSON ${JSON.stringify({ bench, ...environment(), ...data })}\n`);
}

module.exports = { ROOT, DIST, REDIS_URL, uniqueName, createDatabase, keptDatabase, migrate, printJson };
