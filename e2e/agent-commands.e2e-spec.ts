import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeLlmRequest } from '@switchboard/testing';
import type { GatewayProcess } from './support/gateway-process';
import { REDIS_URL, createTestDatabase } from './support/postgres';
import { waitForQuiescence } from './support/quiescence';
import { ALICE, TelegramHarness, sleep } from './support/telegram-harness';

const harness = new TelegramHarness();
beforeAll(() => harness.start());
afterAll(() => harness.stop());
beforeEach(() => {
  harness.telegram.clear();
  harness.llm.reset();
});

// A Redis database of its own (the agentcmds tests): other tests' gateways never take these jobs.
const redisUrl = () => {
  const url = new URL(REDIS_URL);
  url.pathname = '/12';
  return url.toString();
};

const SLOW = { chunks: 8, chunkDelayMs: 250 };

async function until(what: string, condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

const userTexts = (request: FakeLlmRequest) =>
  (request.body as { messages: { role: string; content: string }[] }).messages.filter((m) => m.role !== 'system').map((m) => `${m.role}:${m.content}`);

async function say(gateway: GatewayProcess, text: string): Promise<void> {
  expect(await harness.post(gateway, harness.telegram.build.privateText(text, { from: ALICE }))).toBe(200);
}

describe('agent commands on Telegram', () => {
  it('publishes the command menu at start, switches the model of the chat with /model and shows its usage and cost with /usage', async () => {
    const gateway = await harness.gateway(
      harness.env({ LLM_FALLBACKS: 'openai-compatible:fake-model-2', LLM_PRICES: '{"openai-compatible:fake-model-2": {"input": 2, "output": 10}}' }),
    );
    await until('the command menu', () => harness.telegram.commandMenu.length > 0);
    expect(harness.telegram.commandMenu.map((entry) => entry.command)).toEqual([
      'new',
      'resume',
      'stop',
      'retry',
      'undo',
      'model',
      'personality',
      'reasoning',
      'busy',
      'title',
      'compress',
      'usage',
      'insights',
      'background',
      'cron',
      'sethome',
      'approve',
      'deny',
      'status',
      'whoami',
      'help',
    ]);

    await say(gateway, '/model fake-model-2');
    await harness.waitForMessages(ALICE.id, (texts) => texts.length === 1);
    harness.llm.enqueue({ text: 'I am the second model.', usage: { inputTokens: 1_200, outputTokens: 300 } });
    await say(gateway, 'Which model are you?');
    await harness.waitForMessages(ALICE.id, (t) => t.length === 2 && t[1] === 'I am the second model.');
    await say(gateway, '/usage');
    const texts = (await harness.waitForMessages(ALICE.id, (t) => t.length === 3)).map((m) => m.text);

    expect(texts).toEqual([
      'Model for this conversation: openai-compatible:fake-model-2',
      'I am the second model.',
      // 1,200 × $2/M + 300 × $10/M = $0.0054
      'This conversation: 1 answer, 1200 tokens in, 300 tokens out, about $0.0054\nAll your conversations here: 1 answer, 1200 tokens in, 300 tokens out, about $0.0054',
    ]);
    expect(harness.llm.requests.map((request) => request.model)).toEqual(['fake-model-2']);
    const metrics = await fetch(`${gateway.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/^switchboard_llm_tokens_total\{provider="openai-compatible",model="fake-model-2",direction="in"\} 1200$/m);
    expect(metrics).toMatch(/^switchboard_llm_tokens_total\{provider="openai-compatible",model="fake-model-2",direction="out"\} 300$/m);
  });

  it('/stop ends the answer being streamed: the draft ends as stopped, the model stream is cancelled, nothing else is answered', async () => {
    const gateway = await harness.gateway(harness.env());
    harness.llm.enqueue({ text: 'One two three four five six seven eight', ...SLOW });

    await say(gateway, 'Count slowly');
    await harness.waitForMessages(ALICE.id, (texts) => texts.length === 1);
    await say(gateway, '/stop');
    await harness.waitForMessages(ALICE.id, (texts) => texts.length === 2);
    await waitForQuiescence(gateway.url);

    const messages = harness.telegram.messagesIn(ALICE.id);
    expect(messages.map((m) => m.text)).toEqual([expect.stringMatching(/^One( \w+)*\n\n⏹ stopped$/), '⏹ Stopped.']);
    expect(messages[0].text).not.toContain('eight');
    expect(harness.llm.requests).toHaveLength(1);
    expect(harness.llm.requests[0].aborted).toBe(true);
  });

  it('/stop reaches the worker process that streams the answer (QUEUE_WORKER_PROCESSES, PostgreSQL + BullMQ)', async () => {
    const db = await createTestDatabase();
    let gateway: GatewayProcess | undefined;
    try {
      // Webhooks come into the gateway process; turns run in its worker process: the stop crosses over Redis.
      gateway = await harness.gateway(harness.env({ DATABASE_URL: db.url, REDIS_URL: redisUrl(), QUEUE_WORKER_PROCESSES: '1' }));
      harness.llm.enqueue({ text: 'One two three four five six seven eight', ...SLOW });

      await say(gateway, 'Count slowly');
      await harness.waitForMessages(ALICE.id, (texts) => texts.length === 1, 60_000);
      await say(gateway, '/stop');
      await harness.waitForMessages(ALICE.id, (texts) => texts.length === 2);

      expect(harness.telegram.messagesIn(ALICE.id).map((m) => m.text)).toEqual([expect.stringMatching(/^One( \w+)*\n\n⏹ stopped$/), '⏹ Stopped.']);
      expect(harness.llm.requests[0].aborted).toBe(true);
    } finally {
      await gateway?.stop();
      await db.drop();
    }
  });

  it('/new keeps the conversation with its title; /resume lists it and brings it back, history included', async () => {
    const gateway = await harness.gateway(harness.env());
    harness.llm.enqueue({ text: 'Cats purr.' }, { text: 'Dogs bark.' }, { text: 'Whiskers feel the way.' });
    const reply = async (text: string, count: number) => {
      await say(gateway, text);
      return (await harness.waitForMessages(ALICE.id, (texts) => texts.length === count)).at(-1)!.text;
    };

    await reply('Tell me about cats', 1);
    expect(await reply('/title Cats', 2)).toBe('Title set: Cats');
    expect(await reply('/new', 3)).toBe('Started a fresh conversation.');
    expect(await reply('Tell me about dogs', 4)).toBe('Dogs bark.');
    expect(await reply('/resume', 5)).toMatch(/^Your earlier conversations here; .*\n1\. Cats \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\)$/);
    expect(await reply('/resume 1', 6)).toMatch(/^Resumed "Cats"/);
    expect(await reply('And their whiskers?', 7)).toBe('Whiskers feel the way.');
    await waitForQuiescence(gateway.url);

    expect(userTexts(harness.llm.requests[1])).toEqual(['user:Tell me about dogs']);
    expect(userTexts(harness.llm.requests[2])).toEqual(['user:Tell me about cats', 'assistant:Cats purr.', 'user:And their whiskers?']);
  });

  it('/stop while a tool call waits for approval cancels it: a later /approve finds nothing and the model is not asked again', async () => {
    const gateway = await harness.gateway(
      harness.env({ AGENT_TOOLS: 'session_info', AGENT_TOOLS_REQUIRING_APPROVAL: 'session_info', TELEGRAM_ADMIN_USERS: String(ALICE.id) }),
    );
    harness.llm.enqueue({ text: 'Let me look.', toolCalls: [{ name: 'session_info', arguments: {} }] }, { text: 'This chat is new.' });
    const approval = /\/approve ([0-9a-f]{8})/;
    await say(gateway, 'What do you know about this chat?');
    const [question] = await harness.waitForMessages(ALICE.id, (texts) => texts.length === 1 && approval.test(texts[0]));
    const id = approval.exec(question.text)![1];

    await say(gateway, '/stop');
    await harness.waitForMessages(ALICE.id, (texts) => texts.length === 2);
    await say(gateway, `/approve ${id}`);
    await harness.waitForMessages(ALICE.id, (texts) => texts.length === 3);
    await waitForQuiescence(gateway.url);

    expect(harness.telegram.messagesIn(ALICE.id).slice(1).map((m) => m.text)).toEqual([
      '⏹ Stopped. The answer that waited for a tool call was cancelled; the tool does not run.',
      `No tool call ${id} waits for approval in this chat.`,
    ]);
    expect(harness.llm.requests).toHaveLength(1);
  });

  describe.each([
    ['embedded (PGlite, in-process queue)', false],
    ['PostgreSQL + BullMQ', true],
  ])('a second message 50 ms after the first, while the model streams slowly: %s', (_name, production) => {
    // Each test's gateway stops after it: one left running would take the next test's jobs from Redis.
    const cleanups: (() => Promise<unknown>)[] = [];
    async function gatewayIn(mode: string): Promise<GatewayProcess> {
      const extra: Record<string, string> = { AGENT_BUSY_MODE: mode };
      if (production) {
        const db = await createTestDatabase();
        cleanups.push(db.drop);
        Object.assign(extra, { DATABASE_URL: db.url, REDIS_URL: redisUrl() });
      }
      const gateway = await harness.gateway(harness.env(extra));
      cleanups.unshift(() => gateway.stop());
      return gateway;
    }
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0)) await cleanup();
    });

    /** Sends the first message, waits until the model is asked, then sends the rest 50 ms apart. */
    async function burst(gateway: GatewayProcess, first: string, ...rest: string[]): Promise<void> {
      await say(gateway, first);
      await until('the model asked', () => harness.llm.requests.length === 1);
      for (const text of rest) {
        await sleep(50);
        await say(gateway, text);
      }
    }

    it('interrupt: stops the first answer and answers both messages together', async () => {
      const gateway = await gatewayIn('interrupt');
      harness.llm.enqueue({ text: 'About Paris, well', ...SLOW }, { text: 'Both answered.', chunks: 2 });

      await burst(gateway, 'Tell me about Paris', 'and about Rome');
      await harness.waitForMessages(ALICE.id, (texts) => texts.includes('Both answered.'));
      await waitForQuiescence(gateway.url);

      expect(harness.telegram.messagesIn(ALICE.id).map((m) => m.text)).toEqual(['⏹ stopped', 'Both answered.']);
      expect(harness.llm.requests).toHaveLength(2);
      expect(harness.llm.requests[0].aborted).toBe(true);
      expect(userTexts(harness.llm.requests[1])).toEqual(['user:Tell me about Paris', 'user:and about Rome']);
    });

    it('queue: answers the second message after the first, each on its own', async () => {
      const gateway = await gatewayIn('queue');
      harness.llm.enqueue({ text: 'Paris answer.', ...SLOW }, { text: 'Rome answer.', chunks: 2 });

      await burst(gateway, 'Tell me about Paris', 'and about Rome');
      await harness.waitForMessages(ALICE.id, (texts) => texts.length === 2 && texts[1] === 'Rome answer.');
      await waitForQuiescence(gateway.url);

      expect(harness.telegram.messagesIn(ALICE.id).map((m) => m.text)).toEqual(['Paris answer.', 'Rome answer.']);
      expect(harness.llm.requests.map((r) => r.aborted)).toEqual([false, false]);
      expect(userTexts(harness.llm.requests[1])).toEqual(['user:Tell me about Paris', 'assistant:Paris answer.', 'user:and about Rome']);
    });

    it('merge: lets the first answer finish and answers what came meanwhile in one next turn', async () => {
      const gateway = await gatewayIn('merge');
      harness.llm.enqueue({ text: 'Paris answer.', ...SLOW }, { text: 'Rome and Berlin answer.', chunks: 2 });

      await burst(gateway, 'Tell me about Paris', 'and about Rome', 'and Berlin');
      await harness.waitForMessages(ALICE.id, (texts) => texts.includes('Rome and Berlin answer.'));
      await waitForQuiescence(gateway.url);

      expect(harness.telegram.messagesIn(ALICE.id).map((m) => m.text)).toEqual(['Paris answer.', 'Rome and Berlin answer.']);
      expect(harness.llm.requests).toHaveLength(2);
      expect(harness.llm.requests[0].aborted).toBe(false);
      expect(userTexts(harness.llm.requests[1])).toEqual(['user:Tell me about Paris', 'assistant:Paris answer.', 'user:and about Rome', 'user:and Berlin']);
    });
  });
});
