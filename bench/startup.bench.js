// Gateway start-up benchmark: spawns the built gateway and times spawn → first 200 from /health
// and from /ready, reads its RSS after a few idle seconds, then times its exit after SIGTERM.
//   npm run bench:startup [-- --runs N]
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { intFlag } = require('./lib/args');
const { memoryOf } = require('./lib/rss');
const { createDatabase, DIST, migrate, printJson, REDIS_URL, ROOT } = require('./lib/services');
const { round, summarize } = require('./lib/stats');
const { printTable } = require('./lib/table');
const { freePort, status } = require('./lib/gateway');
const { sleep, withTimeout } = require('./lib/time');

const GATEWAY_MAIN = path.join(DIST, 'apps/gateway/src/main.js');
const POLL_MS = 10;
const START_TIMEOUT_MS = 60_000;
const IDLE_MS = 3_000;
const EXIT_TIMEOUT_MS = 20_000;

// Measured once by hand; printed beside the figures for scale.
const OPENCLAW = '6.7 s to /healthz, about 750 MB RSS idle';

const FIGURES = [
  { key: 'healthMs', label: 'spawn → /health 200 (ms)' },
  { key: 'readyMs', label: 'spawn → /ready 200 (ms)' },
  { key: 'idleRssMb', label: `RSS after ${IDLE_MS / 1000} s idle (MB)` },
  { key: 'peakRssMb', label: 'peak RSS (MB)' },
  { key: 'exitMs', label: 'SIGTERM → exit (ms)' },
];

// Targets per case and figure, met when the median is at or below them.
const CASES = [
  {
    id: 'embedded-fresh',
    title: '(a) embedded, fresh data dir (applies migrations)',
    targets: { idleRssMb: 300 },
    setup: embeddedFresh,
  },
  {
    id: 'embedded-existing',
    title: '(b) embedded, existing data dir',
    targets: { healthMs: 1_000, readyMs: 3_000, idleRssMb: 300 },
    setup: embeddedExisting,
  },
  {
    id: 'postgres-redis',
    title: '(c) PostgreSQL + Redis (migrated database)',
    targets: { idleRssMb: 150 },
    setup: postgresRedis,
  },
];

async function main() {
  const runs = intFlag(process.argv, '--runs', 5);
  const results = {};
  for (const benchCase of CASES) {
    const setup = await benchCase.setup();
    try {
      const samples = [];
      for (let run = 1; run <= runs; run++) {
        process.stderr.write(`${benchCase.title}: run ${run}/${runs}\n`);
        samples.push(await measureStart(setup.env()));
      }
      results[benchCase.id] = samples;
    } finally {
      await setup.cleanup();
    }
  }

  process.stdout.write(`\nGateway start-up, ${runs} runs per case (target met when the median is at or below it)\n\n`);
  const rows = [];
  const summaries = {};
  for (const benchCase of CASES) {
    summaries[benchCase.id] = {};
    for (const { key, label } of FIGURES) {
      const summary = summarize(results[benchCase.id].map((sample) => sample[key]));
      summaries[benchCase.id][key] = Object.fromEntries(Object.entries(summary).map(([name, value]) => [name, round(value)]));
      const target = benchCase.targets[key];
      const verdict = target === undefined ? '' : summary.median <= target ? '✓' : '✗';
      rows.push([benchCase.id, label, round(summary.min), round(summary.median), round(summary.max), target === undefined ? '—' : `≤ ${target}`, verdict]);
    }
  }
  printTable(['case', 'figure', 'min', 'median', 'max', 'target', 'met'], rows);
  process.stdout.write(`\nFor comparison, OpenClaw's gateway on the same machine: ${OPENCLAW}\n\n`);
  const failedExits = Object.values(results).flat().filter((sample) => sample.exitCode !== 0);
  if (failedExits.length) process.stdout.write(`${failedExits.length} run(s) did not exit with code 0 after SIGTERM\n\n`);
  printJson('startup', { runs, idleMs: IDLE_MS, cases: CASES.map(({ id, targets }) => ({ id, targets, summary: summaries[id], samples: results[id] })) });
}

function tempDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-startup-'));
}

/** A new data dir per run, so every start creates the PGlite database and applies the migrations. */
async function embeddedFresh() {
  const dirs = [];
  return {
    env() {
      const dir = tempDir();
      dirs.push(dir);
      return { SWITCHBOARD_DATA_DIR: dir };
    },
    async cleanup() {
      for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One data dir, created and migrated beforehand; every run reopens it, as a restart does. */
async function embeddedExisting() {
  const dir = tempDir();
  const env = { SWITCHBOARD_DATA_DIR: dir };
  try {
    migrate(env);
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { env: () => env, cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh database, migrated beforehand; the BullMQ queues live on the local Redis. */
async function postgresRedis() {
  const database = await createDatabase();
  const env = { DATABASE_URL: database.url, REDIS_URL };
  try {
    migrate(env);
  } catch (error) {
    await database.drop();
    throw error;
  }
  return { env: () => env, cleanup: database.drop };
}

/** One start of the gateway, measured from spawn() to its exit after SIGTERM. */
async function measureStart(env) {
  const port = await freePort();
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [GATEWAY_MAIN], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, at: performance.now() })));

  try {
    const { healthMs, readyMs } = await waitForHealthAndReady(port, spawnedAt, child, () => output);
    await sleep(IDLE_MS);
    const memory = memoryOf(child.pid);
    const stoppedAt = performance.now();
    child.kill('SIGTERM');
    const exit = await withTimeout(exited, EXIT_TIMEOUT_MS, 'the exit after SIGTERM');
    return {
      healthMs: round(healthMs),
      readyMs: round(readyMs),
      idleRssMb: round(memory.rssMb),
      peakRssMb: round(memory.peakRssMb),
      exitMs: round(exit.at - stoppedAt),
      exitCode: exit.code,
    };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** Polls both endpoints every POLL_MS until each has answered 200 once; times are since spawn. */
async function waitForHealthAndReady(port, spawnedAt, child, output) {
  let healthMs;
  let readyMs;
  for (let polls = 0; polls * POLL_MS < START_TIMEOUT_MS; polls++) {
    if (child.exitCode !== null) throw new Error(`the gateway exited with code ${child.exitCode}:\n${output()}`);
    const [health, ready] = await Promise.all([
      healthMs === undefined ? status(port, '/health') : 200,
      readyMs === undefined ? status(port, '/ready') : 200,
    ]);
    const now = performance.now() - spawnedAt;
    healthMs ??= health === 200 ? now : undefined;
    readyMs ??= ready === 200 ? now : undefined;
    if (healthMs !== undefined && readyMs !== undefined) return { healthMs, readyMs };
    await sleep(POLL_MS);
  }
  throw new Error(`the gateway was not ready within ${START_TIMEOUT_MS} ms:\n${output()}`);
}


main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exitCode = 1;
});
