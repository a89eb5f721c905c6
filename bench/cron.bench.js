// Scheduled prompts benchmark: N schedules fired by the ticker on PostgreSQL, their ticks spread
// evenly over a minute (schedules of different minutes/seconds), then all due at the same instant
// (the worst case); tick delay = scheduled time → its turn enqueued.
//   npm run bench:cron [-- --schedules N]
// The queue is a recorder (BullMQ's add is measured by bench:queue); storing each tick's prompt
// (session + message + pending row) and the claim are real.
const { Client } = require('pg');
const { intFlag } = require('./lib/args');
const { createDatabase, DIST, migrate, printJson } = require('./lib/services');
const { percentile, round } = require('./lib/stats');
const { openDatabase } = require(`${DIST}/libs/persistence/src/database`);
const { MessageRepository } = require(`${DIST}/libs/persistence/src/messages/message.repository`);
const { SessionRepository } = require(`${DIST}/libs/persistence/src/sessions/session.repository`);
const { HomeChannelRepository } = require(`${DIST}/libs/persistence/src/schedules/home-channel.repository`);
const { ScheduledPromptRepository } = require(`${DIST}/libs/persistence/src/schedules/scheduled-prompt.repository`);
const { GatewayPrompts } = require(`${DIST}/libs/agent/src/background/gateway-prompts`);
const { ScheduledPrompts } = require(`${DIST}/libs/agent/src/cron/scheduled-prompts.service`);
const { ScheduledPromptTicker } = require(`${DIST}/libs/agent/src/cron/scheduled-prompt.ticker`);

const LEAD_MS = 3_000;

const CASES = [
  { name: 'spread over 60 s', spreadMs: 60_000 },
  { name: 'due at the same instant', spreadMs: 0 },
];

async function main() {
  const count = intFlag(process.argv, '--schedules', 10_000);
  const results = [];
  for (const { name, spreadMs } of CASES) {
    process.stderr.write(`${count} schedules ${name}\n`);
    const figures = await runCase(count, spreadMs);
    results.push({ case: name, ...figures });
    process.stdout.write(`${name}: p50 ${figures.p50Ms} ms, p95 ${figures.p95Ms} ms, p99 ${figures.p99Ms} ms, max ${figures.maxMs} ms\n`);
  }
  process.stdout.write(`\nScheduled prompts: ${count} schedules on PostgreSQL, delay from each tick to its turn enqueued (above)\n\n`);
  printJson('cron', { schedules: count, results });
}

async function runCase(count, spreadMs) {
  const database = await createDatabase();
  let db;
  try {
    migrate({ DATABASE_URL: database.url });
    const dueAt = new Date(Math.ceil((Date.now() + LEAD_MS + count / 5) / 1000) * 1000);
    const client = new Client({ connectionString: database.url });
    await client.connect();
    await client.query(
      `INSERT INTO "ScheduledPrompt" ("id", "name", "cronExpression", "timeZone", "prompt", "platform", "accountId", "chatType", "chatId", "createdBy", "nextRunAt")
       SELECT gen_random_uuid(), 'bench-' || i, '0 0 1 1 *', 'UTC', 'Good morning', 'telegram', 'default', 'dm', 'chat-' || i, 'bench',
              $1::timestamptz + ((i - 1) * $3::float8 / $2::int) * interval '1 millisecond'
       FROM generate_series(1, $2::int) AS i`,
      [dueAt, count, spreadMs],
    );
    await client.end();

    db = await openDatabase({ url: database.url, dataDir: '/tmp', poolSize: 10 });
    // Each schedule's own tick: its chat id is chat-<i>, its tick dueAt + (i - 1) × spread / count.
    const delays = [];
    const tickOf = (chatId) => dueAt.getTime() + ((Number(chatId.slice(5)) - 1) * spreadMs) / count;
    const queue = { add: async (_name, payload) => delays.push(Date.now() - tickOf(payload.sessionKey.slice(payload.sessionKey.lastIndexOf(':') + 1))) };
    const config = { agent: { id: 'main' }, cron: { enabled: true, pollMs: 1_000 } };
    const schedules = new ScheduledPromptRepository(db);
    const prompts = new GatewayPrompts(new MessageRepository(db), new SessionRepository(db), queue);
    const ticker = new ScheduledPromptTicker(schedules, new ScheduledPrompts(schedules, new HomeChannelRepository(db), prompts, config), config);
    ticker.onApplicationBootstrap();
    while (delays.length < count) await new Promise((resolve) => setTimeout(resolve, 50));
    await ticker.onApplicationShutdown();
    delays.sort((a, b) => a - b);
    return { p50Ms: round(percentile(delays, 50)), p95Ms: round(percentile(delays, 95)), p99Ms: round(percentile(delays, 99)), maxMs: round(delays[delays.length - 1]) };
  } finally {
    await db?.close();
    await database.drop();
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exitCode = 1;
});
