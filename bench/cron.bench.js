// Scheduled prompts benchmark: N schedules fired by the ticker on PostgreSQL, their ticks spread
// evenly over a minute (schedules of different minutes/seconds), then all due at the same instant
// (the worst case); tick delay = scheduled time → its turn enqueued.
//   npm run bench:cron [-- --schedules N] [-- --queue bullmq]
// Storing each tick's prompt (session + message + pending row) and the claim are real. The queue is
// a recorder by default (the turn counts as enqueued when the ticker hands it to the queue); with
// --queue bullmq it is the BullMQ driver on the local Redis, and the turn counts as enqueued when
// Redis has stored the job. No turn is answered: that is bounded by the model and the workers.
const { Queue } = require('bullmq');
const { Client } = require('pg');
const { choiceFlag, intFlag } = require('./lib/args');
const { createDatabase, DIST, migrate, printJson, REDIS_URL, uniqueName } = require('./lib/services');
const { percentile, round } = require('./lib/stats');
const { openDatabase } = require(`${DIST}/libs/persistence/src/database`);
const { MessageRepository } = require(`${DIST}/libs/persistence/src/messages/message.repository`);
const { SessionRepository } = require(`${DIST}/libs/persistence/src/sessions/session.repository`);
const { HomeChannelRepository } = require(`${DIST}/libs/persistence/src/schedules/home-channel.repository`);
const { ScheduledPromptRepository } = require(`${DIST}/libs/persistence/src/schedules/scheduled-prompt.repository`);
const { BullMqQueueDriver, BULLMQ_PREFIX } = require(`${DIST}/libs/queue/src/bullmq/bullmq.driver`);
const { redisOptionsFromUrl } = require(`${DIST}/libs/queue/src/bullmq/redis-options`);
const { GatewayPrompts } = require(`${DIST}/libs/agent/src/background/gateway-prompts`);
const { ScheduledPrompts } = require(`${DIST}/libs/agent/src/cron/scheduled-prompts.service`);
const { ScheduledPromptTicker } = require(`${DIST}/libs/agent/src/cron/scheduled-prompt.ticker`);

const LEAD_MS = 3_000;
// The gateway's defaults (config.schema.ts).
const QUEUE_DEFAULTS = { attempts: 5, backoffMs: 1_000, concurrency: 8 };

const CASES = [
  { name: 'spread over 60 s', spreadMs: 60_000 },
  { name: 'due at the same instant', spreadMs: 0 },
];

async function main() {
  const count = intFlag(process.argv, '--schedules', 10_000);
  const queueKind = choiceFlag(process.argv, '--queue', ['recorder', 'bullmq'], 'recorder');
  const results = [];
  for (const { name, spreadMs } of CASES) {
    process.stderr.write(`${count} schedules ${name}, queue: ${queueKind}\n`);
    const figures = await runCase(count, spreadMs, queueKind);
    results.push({ case: name, ...figures });
    process.stdout.write(`${name}: p50 ${figures.p50Ms} ms, p95 ${figures.p95Ms} ms, p99 ${figures.p99Ms} ms, max ${figures.maxMs} ms\n`);
  }
  const enqueued = queueKind === 'bullmq' ? 'stored in Redis by BullMQ' : 'handed to the queue';
  process.stdout.write(`\nScheduled prompts: ${count} schedules on PostgreSQL, delay from each tick to its turn ${enqueued} (above)\n\n`);
  printJson('cron', { schedules: count, queue: queueKind, results });
}

async function runCase(count, spreadMs, queueKind) {
  const database = await createDatabase();
  let db;
  let queue;
  try {
    migrate({ DATABASE_URL: database.url });
    const dueAt = new Date(Math.ceil((Date.now() + LEAD_MS + count / 5) / 1000) * 1000);
    const client = new Client({ connectionString: database.url });
    await client.connect();
    // With the tick after each one worked out, as the ticker does ahead of time (for 0 0 1 1 *: the next new year).
    await client.query(
      `INSERT INTO "ScheduledPrompt" ("id", "name", "cronExpression", "timeZone", "prompt", "platform", "accountId", "chatType", "chatId", "createdBy", "nextRunAt", "followingRunAt")
       SELECT gen_random_uuid(), 'bench-' || i, '0 0 1 1 *', 'UTC', 'Good morning', 'telegram', 'default', 'dm', 'chat-' || i, 'bench',
              t.tick, date_trunc('year', t.tick, 'UTC') + interval '1 year'
       FROM generate_series(1, $2::int) AS i
       CROSS JOIN LATERAL (SELECT $1::timestamptz + ((i - 1) * $3::float8 / $2::int) * interval '1 millisecond' AS tick) t`,
      [dueAt, count, spreadMs],
    );
    await client.end();

    db = await openDatabase({ url: database.url, dataDir: '/tmp', poolSize: 10 });
    // Each schedule's own tick: its chat id is chat-<i>, its tick dueAt + (i - 1) × spread / count.
    const delays = [];
    const tickOf = (sessionKey) => dueAt.getTime() + ((Number(sessionKey.slice(sessionKey.lastIndexOf(':') + 6)) - 1) * spreadMs) / count;
    const record = (payload) => delays.push(Date.now() - tickOf(payload.sessionKey));
    queue = queueKind === 'bullmq' ? bullmqQueue(record) : { add: async (_name, payload) => record(payload), close: async () => undefined };
    const config = { agent: { id: 'main' }, cron: { enabled: true, pollMs: 1_000 } };
    const schedules = new ScheduledPromptRepository(db);
    const prompts = new GatewayPrompts(new MessageRepository(db), new SessionRepository(db), queue);
    const ticker = new ScheduledPromptTicker(schedules, new ScheduledPrompts(schedules, new HomeChannelRepository(db), prompts, config), prompts, config);
    ticker.onApplicationBootstrap();
    while (delays.length < count) await new Promise((resolve) => setTimeout(resolve, 50));
    await ticker.onApplicationShutdown();
    delays.sort((a, b) => a - b);
    return { p50Ms: round(percentile(delays, 50)), p95Ms: round(percentile(delays, 95)), p99Ms: round(percentile(delays, 99)), maxMs: round(delays[delays.length - 1]) };
  } finally {
    await queue?.close();
    await db?.close();
    await database.drop();
  }
}

/** The BullMQ driver on a queue of its own (removed at the end); `record` sees each job once Redis stored it. */
function bullmqQueue(record) {
  const connection = redisOptionsFromUrl(REDIS_URL);
  const queue = new Queue(uniqueName('bench.cron'), { connection, prefix: BULLMQ_PREFIX });
  const driver = new BullMqQueueDriver(new Map([['message.process', queue]]), connection, QUEUE_DEFAULTS);
  return {
    async add(name, payload, options) {
      const id = await driver.add(name, payload, options);
      record(payload);
      return id;
    },
    async close() {
      try {
        await driver.close(5_000);
      } finally {
        await queue.obliterate({ force: true });
        await queue.close();
      }
    },
  };
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exitCode = 1;
});
