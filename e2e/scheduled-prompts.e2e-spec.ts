import { Client } from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLI, type GatewayProcess, run, tempDir } from './support/gateway-process';
import { REDIS_URL, createTestDatabase } from './support/postgres';
import { waitForQuiescence } from './support/quiescence';
import { ALICE, TelegramHarness } from './support/telegram-harness';

const harness = new TelegramHarness();
beforeAll(() => harness.start());
afterAll(() => harness.stop());
beforeEach(() => {
  harness.telegram.clear();
  harness.llm.reset();
});

// A Redis database of its own: other tests' gateways never take these jobs.
const redisUrl = () => {
  const url = new URL(REDIS_URL);
  url.pathname = '/9';
  return url.toString();
};

async function say(gateway: GatewayProcess, text: string): Promise<void> {
  expect(await harness.post(gateway, harness.telegram.build.privateText(text, { from: ALICE }))).toBe(200);
}

const userContents = (body: unknown) => (body as { messages: { role: string; content: string }[] }).messages.filter((m) => m.role === 'user').map((m) => m.content);

async function sql<Row>(url: string, text: string, values: unknown[] = []): Promise<Row[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as Row[];
  } finally {
    await client.end();
  }
}

describe('/background on Telegram', () => {
  it('answers at once with a task id, then posts the answer of the chat’s model, run in a session of its own', async () => {
    const gateway = await harness.gateway(harness.env({ LLM_FALLBACKS: 'openai-compatible:fake-model-2' }));
    await say(gateway, '/model fake-model-2');
    await harness.waitForMessages(ALICE.id, (texts) => texts.length === 1);
    await say(gateway, 'Earlier words the task must not see');
    await harness.waitForMessages(ALICE.id, (texts) => texts.length === 2);
    harness.llm.reset();
    harness.llm.enqueue({ text: 'The plan, summarised.' });

    await say(gateway, '/background Summarise the plan');
    const texts = (await harness.waitForMessages(ALICE.id, (t) => t.length === 4)).map((m) => m.text).slice(2);
    const started = texts.find((text) => text.startsWith('⏳'));
    const taskId = /^⏳ Background task ([0-9a-f]{8}) started/.exec(started ?? '')?.[1];
    expect(taskId).toBeDefined();
    expect(texts).toContain(`✅ Background task complete (${taskId})\n\nThe plan, summarised.`);
    expect(harness.llm.requests).toHaveLength(1);
    expect(harness.llm.requests[0].model).toBe('fake-model-2');
    expect(userContents(harness.llm.requests[0].body)).toEqual(['Summarise the plan']);

    await waitForQuiescence(gateway.url);
    expect(harness.telegram.messagesIn(ALICE.id)).toHaveLength(4);
  });

  it('posts why it failed when the model refuses the task', async () => {
    const gateway = await harness.gateway(harness.env());
    harness.llm.enqueue({ error: { status: 400, message: 'the prompt is too long' } });

    await say(gateway, '/bg Read all of it');
    const texts = (await harness.waitForMessages(ALICE.id, (t) => t.length === 2)).map((m) => m.text);
    const taskId = /^⏳ Background task ([0-9a-f]{8}) started/.exec(texts.find((text) => text.startsWith('⏳')) ?? '')?.[1];
    expect(texts).toContainEqual(expect.stringMatching(new RegExp(`^❌ Background task failed \\(${taskId}\\): .+`)));
    await waitForQuiescence(gateway.url);
    expect(harness.telegram.messagesIn(ALICE.id)).toHaveLength(2);
  });
});

// Two gateway starts and several CLI runs: slower than the default e2e timeout on a loaded host.
describe('scheduled prompts', () => {
  it('after a restart that skipped two ticks, a schedule runs once; the CLI lists, runs and removes it and names bad input', async () => {
    const db = await createTestDatabase();
    const dataDir = tempDir('cron');
    const env = harness.env({ DATABASE_URL: db.url, SWITCHBOARD_DATA_DIR: dataDir, TELEGRAM_ADMIN_USERS: String(ALICE.id), AGENT_BUSY_MODE: 'queue' });
    const cli = (...args: string[]) => run([CLI, 'cron', ...args], { DATABASE_URL: db.url, SWITCHBOARD_DATA_DIR: dataDir });
    try {
      const first = await harness.gateway(env);
      await say(first, '/sethome');
      await harness.waitForMessages(ALICE.id, (texts) => texts.length === 1 && texts[0].startsWith('🏠'));

      const badExpression = await cli('add', 'bad', '--schedule', '61 * * * *', '--tz', 'UTC', '--prompt', 'x', '--chat', 'telegram:1');
      expect(badExpression.code).toBe(2);
      expect(badExpression.stderr).toContain('cron expression "61 * * * *" is invalid');
      const badZone = await cli('add', 'bad', '--schedule', '0 9 * * *', '--tz', 'Mars/Olympus', '--prompt', 'x', '--chat', 'telegram:1');
      expect(badZone.code).toBe(2);
      expect(badZone.stderr).toContain('unknown time zone "Mars/Olympus"');
      const noTarget = await cli('add', 'bad', '--schedule', '0 9 * * *', '--tz', 'UTC', '--prompt', 'x');
      expect(noTarget.code).toBe(2);

      // Through the running gateway's local API.
      const added = await cli('add', 'yearly', '--schedule', '0 0 1 1 *', '--tz', 'UTC', '--prompt', 'Happy new year', '--home', `telegram:${ALICE.id}`);
      expect(added.stderr).toBe('');
      expect(added.stdout).toMatch(/^added yearly: next run \d{4}-01-01T00:00:00.000Z/);
      await first.stop();

      // Down over two new years: the schedule's tick, and the one after it worked out ahead, are in the past.
      await sql(db.url, `UPDATE "ScheduledPrompt" SET "nextRunAt" = '2025-01-01T00:00:00Z', "followingRunAt" = '2026-01-01T00:00:00Z' WHERE "name" = 'yearly'`);
      const second = await harness.gateway(env);
      await harness.waitForMessages(ALICE.id, (texts) => texts.includes('echo: Happy new year'));
      await waitForQuiescence(second.url);
      const [row] = await sql<{ nextRunAt: Date; lastRunAt: Date }>(db.url, `SELECT "nextRunAt", "lastRunAt" FROM "ScheduledPrompt" WHERE "name" = 'yearly'`);
      expect(row.lastRunAt.toISOString()).toBe('2025-01-01T00:00:00.000Z');
      expect(row.nextRunAt.getTime()).toBeGreaterThan(Date.now());
      expect(row.nextRunAt.getTime()).toBeLessThanOrEqual(Date.now() + 366 * 24 * 3600_000);
      expect(harness.telegram.messagesIn(ALICE.id).map((m) => m.text).filter((t) => t === 'echo: Happy new year')).toHaveLength(1);

      const list = await cli('list');
      expect(list.stdout).toMatch(/^yearly\t0 0 1 1 \*\tUTC\ttelegram:111111111\tenabled\tnext \S+\tlast 2025-01-01T00:00:00.000Z$/m);
      const ran = await cli('run', 'yearly');
      expect(ran.stdout).toContain('queued yearly');
      await harness.waitForMessages(ALICE.id, (texts) => texts.filter((t) => t === 'echo: Happy new year').length === 2);
      expect((await cli('remove', 'yearly')).stdout).toContain('removed yearly');
      expect((await cli('list')).stdout).toContain('no scheduled prompts');
      const missing = await cli('run', 'yearly');
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/no schedule named "yearly"/i);
    } finally {
      await db.drop();
    }
  }, 300_000);

  it('two replicas on PostgreSQL and Redis fire each tick once', async () => {
    const db = await createTestDatabase();
    const gateways: GatewayProcess[] = [];
    try {
      const env = () =>
        harness.env({ DATABASE_URL: db.url, REDIS_URL: redisUrl(), TELEGRAM_ADMIN_USERS: String(ALICE.id), AGENT_BUSY_MODE: 'queue', CRON_POLL_MS: '200' });
      gateways.push(await harness.gateway(env()), await harness.gateway(env()));
      await say(gateways[0], '/cron add tick | * * * * * * | UTC | Tick');
      await harness.waitForMessages(ALICE.id, (texts) => texts.some((t) => t.startsWith('Added schedule tick')));
      await harness.waitForMessages(ALICE.id, (texts) => texts.filter((t) => t === 'echo: Tick').length >= 4, 30_000);
      await say(gateways[1], '/cron remove tick');
      await harness.waitForMessages(ALICE.id, (texts) => texts.includes('Removed schedule tick.'));
      for (const gateway of gateways) await waitForQuiescence(gateway.url);

      const ticks = await sql<{ platformMessageId: string }>(db.url, `SELECT "platformMessageId" FROM "Message" WHERE "platformMessageId" LIKE 'switchboard:cron:%'`);
      const answers = harness.telegram.messagesIn(ALICE.id).filter((m) => m.text === 'echo: Tick');
      expect(ticks.length).toBeGreaterThanOrEqual(4);
      // Each tick's prompt is stored once (under the tick's id) and answered once.
      expect(answers).toHaveLength(ticks.length);
    } finally {
      for (const gateway of gateways) await gateway.stop();
      await db.drop();
    }
  }, 300_000);
});
