import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ALICE, MALLORY, TelegramHarness, sleep } from './support/telegram-harness';
import { REDIS_URL, createTestDatabase } from './support/postgres';

const harness = new TelegramHarness();
beforeAll(() => harness.start());
afterAll(() => harness.stop());
beforeEach(() => {
  harness.telegram.clear();
  harness.llm.reset();
});

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const REPLY = 'Paris is the capital of France. It sits on the Seine and has about two million people.';

describe('Telegram → agent → Telegram', () => {
  it('answers an allowlisted DM with a reply streamed by editing one message (embedded mode)', async () => {
    const gateway = await harness.gateway(harness.env());
    harness.llm.enqueue({ text: REPLY, chunks: 6, chunkDelayMs: 120 });

    const status = await harness.post(gateway, harness.telegram.build.privateText('What is the capital of France?', { from: ALICE }));
    expect(status).toBe(200);

    const [reply] = await harness.waitForMessages(ALICE.id, (texts) => texts[0] === REPLY);
    expect(harness.telegram.messagesIn(ALICE.id)).toHaveLength(1);
    expect(reply.history.length).toBeGreaterThanOrEqual(3); // first draft, at least one edit, final text
    expect(reply.replyToMessageId).toBeDefined();
    expect(harness.llm.requests[0].userText).toBe('What is the capital of France?');
    expect(harness.telegram.chatActions(ALICE.id).some((a) => a.action === 'typing')).toBe(true);
  });

  it('does the same on PostgreSQL + BullMQ in polling mode, keeping the conversation history', async () => {
    const db = await createTestDatabase();
    try {
      await harness.gateway(harness.env({ DATABASE_URL: db.url, REDIS_URL, TELEGRAM_MODE: 'polling' }));
      harness.llm.enqueue({ text: 'First answer.' }, { text: REPLY, chunks: 5, chunkDelayMs: 100 });

      harness.telegram.queueUpdate(harness.telegram.build.privateText('Hi, I am Alice.', { from: ALICE }));
      await harness.waitForMessages(ALICE.id, (texts) => texts[0] === 'First answer.');
      harness.telegram.queueUpdate(harness.telegram.build.privateText('What is the capital of France?', { from: ALICE }));
      const messages = await harness.waitForMessages(ALICE.id, (texts) => texts[1] === REPLY);
      expect(messages[1].history.length).toBeGreaterThanOrEqual(2);

      const second = harness.llm.requests[1].body as { messages: { role: string; content: string }[] };
      expect(second.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
      expect(second.messages[2].content).toBe('First answer.');
    } finally {
      await db.drop();
    }
  });

  it('answers the same update delivered twice only once', async () => {
    const gateway = await harness.gateway(harness.env());
    const update = harness.telegram.build.privateText('Hello?', { from: ALICE });
    expect(await harness.post(gateway, update)).toBe(200);
    expect(await harness.post(gateway, update)).toBe(200);
    await harness.waitForMessages(ALICE.id, (texts) => texts.length === 1 && texts[0] === 'echo: Hello?');
    await sleep(1_000);
    expect(harness.telegram.messagesIn(ALICE.id)).toHaveLength(1);
    expect(harness.llm.requests).toHaveLength(1);
  });

  it('answers a message a replica acked but could not queue before it died, and only once (PostgreSQL + BullMQ)', async () => {
    const db = await createTestDatabase();
    // A Redis database of its own: gateways left from earlier tests must not take this test's jobs.
    const redis = new URL(REDIS_URL);
    redis.pathname = '/5';
    try {
      const healthy = await harness.gateway(harness.env({ DATABASE_URL: db.url, REDIS_URL: redis.toString(), QUEUE_REQUEUE_AFTER_MS: '1000' }));
      // A second replica that cannot reach Redis: it stores the message and acks it (the message
      // is durable), cannot queue it, and dies.
      const broken = await harness.gateway(harness.env({ DATABASE_URL: db.url, REDIS_URL: 'redis://127.0.0.1:1' }));
      const update = harness.telegram.build.privateText('Anyone there?', { from: ALICE });
      expect(await harness.post(broken, update)).toBe(200);
      await broken.stop('SIGKILL');

      // The healthy replica finds the message pending and queues it; no redelivery needed.
      await harness.waitForMessages(ALICE.id, (texts) => texts.length === 1 && texts[0] === 'echo: Anyone there?');
      // Telegram delivering it again anyway changes nothing.
      expect(await harness.post(healthy, update)).toBe(200);
      await sleep(2_500);
      expect(harness.telegram.messagesIn(ALICE.id)).toHaveLength(1);
      expect(harness.llm.requests).toHaveLength(1);
    } finally {
      await db.drop();
    }
  });

  it('refuses updates with 503 while QUEUE_MAX_PENDING messages wait for an answer, and takes them again after', async () => {
    const gateway = await harness.gateway(harness.env({ QUEUE_MAX_PENDING: '1' }));
    const pending = async () => Number(/^switchboard_messages_pending (\d+)$/m.exec(await (await fetch(`${gateway.url}/metrics`)).text())?.[1]);
    harness.llm.enqueue({ text: 'Thinking slowly.', chunks: 10, chunkDelayMs: 300 }, { text: 'Now you.' });

    expect(await harness.post(gateway, harness.telegram.build.privateText('First', { from: ALICE }))).toBe(200);
    await until(async () => (await pending()) === 1, 'the backlog counted');
    const second = harness.telegram.build.privateText('Second', { from: ALICE });
    expect(await harness.post(gateway, second)).toBe(503);

    await harness.waitForMessages(ALICE.id, (texts) => texts[0] === 'Thinking slowly.');
    await until(async () => (await pending()) === 0, 'the backlog empty');
    // Telegram delivers the refused update again.
    expect(await harness.post(gateway, second)).toBe(200);
    await harness.waitForMessages(ALICE.id, (texts) => texts.length === 2 && texts[1] === 'Now you.');
  });

  it('refuses a wrong webhook secret (401) and malformed JSON (400), storing nothing', async () => {
    const gateway = await harness.gateway(harness.env());
    const update = harness.telegram.build.privateText('sneaky', { from: ALICE });
    expect(await harness.post(gateway, update, 'wrong-secret-wrong-secret')).toBe(401);
    expect(await harness.post(gateway, update, null)).toBe(401);
    expect(await harness.post(gateway, '{"update_id": 1, "message": ')).toBe(400);
    await sleep(500);
    expect(harness.telegram.messagesIn(ALICE.id)).toHaveLength(0);
    expect(harness.llm.requests).toHaveLength(0);
    const metrics = await fetch(`${gateway.url}/metrics`).then((r) => r.text());
    expect(metrics).not.toMatch(/switchboard_messages_in_total\{platform="telegram",outcome="accepted"\}/);
  });

  it('answers in an allowlisted group only when mentioned', async () => {
    const groupId = -1001234567890;
    const gateway = await harness.gateway(harness.env({ TELEGRAM_ALLOWED_GROUPS: String(groupId) }));
    expect(await harness.post(gateway, harness.telegram.build.groupText('just chatting', { chatId: groupId }))).toBe(200);
    const mention = `@${harness.telegram.botUsername} what time is it?`;
    expect(await harness.post(gateway, harness.telegram.build.groupText(mention, { chatId: groupId }))).toBe(200);
    await harness.waitForMessages(groupId, (texts) => texts.length === 1);
    await sleep(500);
    expect(harness.telegram.messagesIn(groupId)).toHaveLength(1);
    expect(harness.llm.requests.map((r) => r.userText)).toEqual([expect.stringContaining('what time is it?')]);
  });

  it('tells the user when no model is configured', async () => {
    const env = harness.env();
    delete env.LLM_PROVIDER;
    const gateway = await harness.gateway(env);
    await harness.post(gateway, harness.telegram.build.privateText('anyone there?', { from: ALICE }));
    const [reply] = await harness.waitForMessages(ALICE.id, (texts) => texts.length === 1);
    expect(reply.text).toContain('No model is configured');
  });

  it('ignores strangers under the allowlist DM policy', async () => {
    const gateway = await harness.gateway(harness.env({ TELEGRAM_DM_POLICY: 'allowlist' }));
    expect(await harness.post(gateway, harness.telegram.build.privateText('let me in', { from: MALLORY }))).toBe(200);
    await sleep(800);
    expect(harness.telegram.messagesIn(MALLORY.id)).toHaveLength(0);
    expect(harness.llm.requests).toHaveLength(0);
  });
});
