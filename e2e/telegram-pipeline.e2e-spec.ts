import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TINY_PNG_BASE64 } from '@switchboard/testing';
import { ALICE, MALLORY, TelegramHarness, sleep } from './support/telegram-harness';
import { REDIS_URL, createTestDatabase } from './support/postgres';
import { backlogOf, waitForQuiescence } from './support/quiescence';

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
  // Streaming, one reply per message, groups, duplicates, signatures, retries: the channel contract
  // (e2e/channel-contract.e2e-spec.ts). Here what only Telegram shows: the reply quotes the message, typing shows.
  it('quotes the message it answers and shows typing while a slow reply streams', async () => {
    const gateway = await harness.gateway(harness.env());
    harness.llm.enqueue({ text: REPLY, chunks: 6, chunkDelayMs: 120 });

    const update = harness.telegram.build.privateText('What is the capital of France?', { from: ALICE });
    expect(await harness.post(gateway, update)).toBe(200);

    const [reply] = await harness.waitForMessages(ALICE.id, (texts) => texts[0] === REPLY);
    expect(reply.replyToMessageId).toBe(update.message?.message_id);
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

  it('shows a photo to the model and describes a document by name, type and size', async () => {
    const gateway = await harness.gateway(harness.env());
    const png = Buffer.from(TINY_PNG_BASE64, 'base64');

    expect(await harness.post(gateway, harness.telegram.build.photo({ from: ALICE, data: png, caption: 'What is this?' }))).toBe(200);
    await harness.waitForMessages(ALICE.id, (texts) => texts.length === 1 && texts[0].startsWith('echo:'));
    expect(harness.llm.requests[0].userImages).toEqual([{ mimeType: 'image/png', dataBase64: TINY_PNG_BASE64 }]);
    expect(harness.llm.requests[0].userText).toBe('What is this?\n[image attached]');

    const pdf = harness.telegram.build.document({ from: ALICE, fileName: 'report.pdf', mimeType: 'application/pdf', data: Buffer.alloc(2_048) });
    expect(await harness.post(gateway, pdf)).toBe(200);
    await harness.waitForMessages(ALICE.id, (texts) => texts.length === 2);
    expect(harness.llm.requests[1].userImages).toEqual([]);
    expect(harness.llm.requests[1].userText).toBe('[file attached: report.pdf, application/pdf, 2.0 KB]');
  });

  it('keeps the slash commands the gateway answers, and their replies, out of what the model is sent', async () => {
    const gateway = await harness.gateway(harness.env());
    harness.llm.enqueue({ text: 'First answer.' }, { text: 'You said hi.' }, { text: 'Hello!' });
    const say = async (text: string, count: number) => {
      expect(await harness.post(gateway, harness.telegram.build.privateText(text, { from: ALICE }))).toBe(200);
      return (await harness.waitForMessages(ALICE.id, (texts) => texts.length === count))[count - 1].text;
    };
    const sent = (index: number) => (harness.llm.requests[index].body as { messages: { role: string; content: string }[] }).messages;

    expect(await say('Hi, I am Alice.', 1)).toBe('First answer.');
    expect(await say('/whoami', 2)).toContain(`user id ${ALICE.id}`);
    expect(await say('What did I say?', 3)).toBe('You said hi.');
    expect(sent(1).map((m) => [m.role, m.content]).slice(1)).toEqual([
      ['user', 'Hi, I am Alice.'],
      ['assistant', 'First answer.'],
      ['user', 'What did I say?'],
    ]);

    expect(await say('/new', 4)).toBe('Started a fresh conversation.');
    expect(await say('Hello again', 5)).toBe('Hello!');
    expect(sent(2).map((m) => [m.role, m.content]).slice(1)).toEqual([['user', 'Hello again']]);
    expect(harness.llm.requests).toHaveLength(3);
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
      await waitForQuiescence(healthy.url);
      expect(harness.telegram.messagesIn(ALICE.id)).toHaveLength(1);
      expect(harness.llm.requests).toHaveLength(1);
    } finally {
      await db.drop();
    }
  });

  it('refuses updates with 503 while QUEUE_MAX_PENDING messages wait for an answer, and takes them again after', async () => {
    const gateway = await harness.gateway(harness.env({ QUEUE_MAX_PENDING: '1' }));
    const pending = async () => (await backlogOf(gateway.url)).pending;
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

  it('refuses an update without the secret header (401) and malformed JSON (400), storing nothing', async () => {
    const gateway = await harness.gateway(harness.env());
    const update = harness.telegram.build.privateText('sneaky', { from: ALICE });
    expect(await harness.post(gateway, update, null)).toBe(401);
    expect(await harness.post(gateway, '{"update_id": 1, "message": ')).toBe(400);
    await waitForQuiescence(gateway.url);
    expect(harness.telegram.messagesIn(ALICE.id)).toHaveLength(0);
    expect(harness.llm.requests).toHaveLength(0);
    const metrics = await fetch(`${gateway.url}/metrics`).then((r) => r.text());
    expect(metrics).not.toMatch(/switchboard_messages_in_total\{platform="telegram",outcome="accepted"\}/);
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
    await waitForQuiescence(gateway.url);
    expect(harness.telegram.messagesIn(MALLORY.id)).toHaveLength(0);
    expect(harness.llm.requests).toHaveLength(0);
  });
});
