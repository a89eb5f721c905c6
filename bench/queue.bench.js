// Queue driver benchmark: enqueue throughput, processing throughput and enqueue→start latency of
// a no-op job, for the in-process driver (embedded PGlite, PostgreSQL) and BullMQ (Redis).
//   npm run bench:queue [-- --jobs N]
// Each driver and concurrency runs in a child process of its own, so that its RSS is its own.
const { fork } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Queue } = require('bullmq');
const { intFlag } = require('./lib/args');
const { memoryOf } = require('./lib/rss');
const { createDatabase, DIST, migrate, printJson, REDIS_URL, uniqueName } = require('./lib/services');
const { percentile, round } = require('./lib/stats');
const { printTable } = require('./lib/table');
const { sleep, withTimeout } = require('./lib/time');
// The compiled drivers, built outside Nest as e2e/fixtures/queue-worker.js does.
const { openDatabase } = require(`${DIST}/libs/persistence/src/database`);
const { QueueJobRepository } = require(`${DIST}/libs/persistence/src/queue-jobs/queue-job.repository`);
const { InProcessQueueDriver } = require(`${DIST}/libs/queue/src/in-process/in-process.driver`);
const { BullMqQueueDriver, BULLMQ_PREFIX } = require(`${DIST}/libs/queue/src/bullmq/bullmq.driver`);
const { redisOptionsFromUrl } = require(`${DIST}/libs/queue/src/bullmq/redis-options`);

const DRIVERS = ['in-process/pglite', 'in-process/postgres', 'bullmq/redis'];
const CONCURRENCIES = [8, 1];
const WARMUP_JOBS = 200;
// The gateway's defaults (config.schema.ts); no job fails here, so they only fill the stored rows.
const QUEUE_DEFAULTS = { attempts: 5, backoffMs: 1_000 };
const CLOSE_TIMEOUT_MS = 5_000;
const POLL_MS = 5;
// Set in a child process: the case it measures.
const CASE_ENV = 'BENCH_QUEUE_CASE';

// Generous: a round slower than this has hung, it is not merely slow.
const roundTimeoutMs = (jobs) => 60_000 + jobs * 50;

async function main() {
  const jobs = intFlag(process.argv, '--jobs', 2_000);
  const results = [];
  for (const driver of DRIVERS) {
    for (const concurrency of CONCURRENCIES) {
      process.stderr.write(`${driver}, concurrency ${concurrency}: ${jobs} jobs after ${Math.min(WARMUP_JOBS, jobs)} warm-up jobs\n`);
      const spec = { driver, concurrency, jobs };
      results.push(await runCase(spec).catch((error) => ({ ...spec, error: error.message })));
    }
  }

  process.stdout.write(`\nQueue: ${jobs} no-op jobs per run, added one after another (each add awaited)\n\n`);
  printTable(
    ['driver', 'concurrency', 'enqueue adds/s', 'processed jobs/s', 'p50 ms', 'p95 ms', 'p99 ms', 'RSS MB', 'peak RSS MB'],
    results.map((r) =>
      r.error
        ? [r.driver, r.concurrency, '—', '—', '—', '—', '—', '—', '—']
        : [r.driver, r.concurrency, r.enqueuePerS, r.processedPerS, r.latencyMs.p50, r.latencyMs.p95, r.latencyMs.p99, r.rssMb, r.peakRssMb],
    ),
  );
  for (const failed of results.filter((r) => r.error)) process.stdout.write(`${failed.driver} (${failed.concurrency}) failed: ${failed.error}\n`);
  process.stdout.write('\n');
  printJson('queue', { jobs, warmupJobs: Math.min(WARMUP_JOBS, jobs), results });
  if (results.some((r) => r.error)) process.exitCode = 1;
}

/** Runs one case in a child process and resolves with its figures. */
function runCase(spec) {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, [], { env: { ...process.env, [CASE_ENV]: JSON.stringify(spec) } });
    let reply;
    // Last resort if the child hangs beyond its own time limits; its database or queue may then remain.
    const backstopMs = 2 * roundTimeoutMs(spec.jobs + WARMUP_JOBS) + 60_000;
    const backstop = setTimeout(() => child.kill('SIGKILL'), backstopMs);
    child.on('message', (message) => (reply = message));
    child.on('exit', (code, signal) => {
      clearTimeout(backstop);
      if (reply?.result) resolve(reply.result);
      else reject(new Error(reply?.error ?? `the child process exited (${signal ?? code}) without figures`));
    });
  });
}

async function measureCase(spec) {
  const setup = await SETUPS[spec.driver]({ ...QUEUE_DEFAULTS, concurrency: spec.concurrency });
  try {
    const runRound = await startRounds(setup.driver, setup.jobName);
    await runRound('warmup', Math.min(WARMUP_JOBS, spec.jobs));
    const figures = await runRound('job', spec.jobs);
    const memory = memoryOf();
    return { ...spec, ...figures, rssMb: round(memory.rssMb), peakRssMb: round(memory.peakRssMb) };
  } finally {
    await setup.close();
  }
}

// Each set-up owns its store (a temp dir, a database, a uniquely named queue) and removes it on close.
// Stores are created and migrated beforehand, so the figures are those of a gateway that restarts.
const SETUPS = {
  'in-process/pglite': (defaults) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-queue-'));
    const open = () => {
      migrate({ SWITCHBOARD_DATA_DIR: dataDir });
      return openDatabase({ dataDir });
    };
    return inProcessOn(open, defaults, () => fs.rmSync(dataDir, { recursive: true, force: true }));
  },
  'in-process/postgres': async (defaults) => {
    const database = await createDatabase();
    const open = () => {
      migrate({ DATABASE_URL: database.url });
      return openDatabase({ url: database.url });
    };
    return inProcessOn(open, defaults, database.drop);
  },
  'bullmq/redis': async (defaults) => {
    const connection = redisOptionsFromUrl(REDIS_URL);
    // A queue of its own: obliterating it at the end must not touch a gateway's queues.
    const jobName = uniqueName('bench.noop');
    const queue = new Queue(jobName, { connection, prefix: BULLMQ_PREFIX });
    const driver = new BullMqQueueDriver(new Map([[jobName, queue]]), connection, defaults);
    return {
      driver,
      jobName,
      async close() {
        try {
          await driver.close(CLOSE_TIMEOUT_MS);
        } finally {
          await queue.obliterate({ force: true });
          await queue.close();
        }
      },
    };
  },
};

async function inProcessOn(open, defaults, removeStore) {
  let db;
  try {
    db = await open();
  } catch (error) {
    await removeStore();
    throw error;
  }
  const driver = new InProcessQueueDriver(new QueueJobRepository(db), defaults);
  return {
    driver,
    jobName: 'bench.noop',
    async close() {
      try {
        await driver.close(CLOSE_TIMEOUT_MS);
        await db.close();
      } finally {
        await removeStore();
      }
    },
  };
}

/**
 * Registers a no-op handler that records when each job starts, and returns `runRound(prefix, count)`:
 * add `count` jobs, wait until all ran, and report the figures of that round.
 */
async function startRounds(driver, jobName) {
  let current; // the round in progress: when each of its jobs was added, and the start latencies
  await driver.process(jobName, async (job) => {
    const startedAt = performance.now();
    const addedAt = current.addedAt.get(job.id);
    // Delivery is at least once: only the first start of a job counts.
    if (addedAt === undefined) return;
    current.addedAt.delete(job.id);
    current.latencies.push(startedAt - addedAt);
    if (current.latencies.length === current.count) current.allStarted();
  });

  return function runRound(prefix, count) {
    const timeoutMs = roundTimeoutMs(count);
    const run = async () => {
      const started = new Promise((resolve) => (current = { count, addedAt: new Map(), latencies: [], allStarted: resolve }));
      const firstAdd = performance.now();
      for (let i = 0; i < count; i++) {
        const id = `${prefix}-${i}`;
        // Recorded before add(): the in-process driver may start the job before add() resolves.
        current.addedAt.set(id, performance.now());
        await driver.add(jobName, { messageId: id }, { jobId: id });
      }
      const enqueueMs = performance.now() - firstAdd;
      await started;
      const lastDone = await drained(driver, jobName, timeoutMs);
      const { latencies } = current;
      return {
        enqueuePerS: round((count / enqueueMs) * 1000),
        processedPerS: round((count / (lastDone - firstAdd)) * 1000),
        latencyMs: { p50: round(percentile(latencies, 50)), p95: round(percentile(latencies, 95)), p99: round(percentile(latencies, 99)) },
      };
    };
    return withTimeout(run(), timeoutMs, `a round of ${count} jobs`);
  };
}

/** The time of the last completion: the first poll at which the driver reports nothing waiting or running. */
async function drained(driver, jobName, timeoutMs) {
  for (let polls = 0; polls * POLL_MS < timeoutMs; polls++) {
    const counts = await driver.counts(jobName);
    if (counts.waiting + counts.active + counts.delayed === 0) return performance.now();
    await sleep(POLL_MS);
  }
  throw new Error(`the queue did not drain within ${timeoutMs} ms`);
}

if (process.env[CASE_ENV]) {
  measureCase(JSON.parse(process.env[CASE_ENV])).then(
    (result) => process.send({ result }),
    (error) => process.send({ error: error.stack }),
  );
} else {
  main().catch((error) => {
    process.stderr.write(`${error.stack}\n`);
    process.exitCode = 1;
  });
}
