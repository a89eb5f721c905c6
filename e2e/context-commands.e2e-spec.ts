import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeLlmRequest } from '@switchboard/testing';
import type { GatewayProcess } from './support/gateway-process';
import { waitForQuiescence } from './support/quiescence';
import { ALICE, TelegramHarness, sleep } from './support/telegram-harness';

const harness = new TelegramHarness();
beforeAll(() => harness.start());
afterAll(() => harness.stop());
beforeEach(() => {
  harness.telegram.clear();
  harness.llm.reset();
});

const isSummary = (request: FakeLlmRequest) => request.systemText.startsWith('You write the memory');
const conversationOf = (request: FakeLlmRequest) =>
  (request.body as { messages: { role: string; content: string }[] }).messages.filter((m) => m.role !== 'system').map((m) => `${m.role}:${m.content}`);

async function say(gateway: GatewayProcess, text: string): Promise<void> {
  expect(await harness.post(gateway, harness.telegram.build.privateText(text, { from: ALICE }))).toBe(200);
}

/** Says `text` and waits for its answer (the n-th message of the chat). */
async function ask(gateway: GatewayProcess, text: string): Promise<string> {
  const before = harness.telegram.messagesIn(ALICE.id).length;
  await say(gateway, text);
  const texts = await harness.waitForMessages(ALICE.id, (t) => t.length === before + 1);
  await waitForQuiescence(gateway.url);
  return texts.at(-1)!.text;
}

describe('context compression and chat settings on Telegram', () => {
  it('summarises the older history past AGENT_COMPRESS_AT_TOKENS and sends the summary instead of it; /compress does it on request', async () => {
    const gateway = await harness.gateway(harness.env({ AGENT_COMPRESS_AT_TOKENS: '60' }));
    const long = (topic: string) => `Tell me about ${topic}. ${'I want many details please. '.repeat(3)}`.trim();
    harness.llm.enqueue({ text: 'Paris is the capital of France.' }, { text: 'Rome is the capital of Italy.' });
    await ask(gateway, long('Paris'));
    await ask(gateway, long('Rome'));
    expect(harness.llm.requests.some(isSummary)).toBe(false);

    harness.llm.enqueue({ text: 'Alice asked about Paris, the capital of France.' }, { text: 'Berlin is the capital of Germany.' });
    expect(await ask(gateway, long('Berlin'))).toBe('Berlin is the capital of Germany.');

    const [summaryRequest, answerRequest] = harness.llm.requests.slice(2);
    expect(isSummary(summaryRequest)).toBe(true);
    expect(summaryRequest.userText).toContain(`User (Alice): ${long('Paris')}`);
    expect(answerRequest.systemText).toContain('Summary of the earlier conversation (its messages are not repeated below):\nAlice asked about Paris, the capital of France.');
    expect(conversationOf(answerRequest)).toEqual([`user:${long('Rome')}`, 'assistant:Rome is the capital of Italy.', `user:${long('Berlin')}`]);

    harness.llm.enqueue({ text: 'Alice asked about Paris, Rome and Berlin.' });
    expect(await ask(gateway, '/compress')).toMatch(/^Compressed: 2 earlier messages summarised; about \d+ tokens before, \d+ after\. The messages stay stored\.$/);
    expect(harness.llm.requests.at(-1)!.userText).toContain('Earlier summary:\nAlice asked about Paris, the capital of France.');
    harness.llm.enqueue({ text: 'Madrid is the capital of Spain.' });
    await ask(gateway, 'And Madrid?');
    expect(harness.llm.requests.at(-1)!.systemText).toContain('Alice asked about Paris, Rome and Berlin.');
    expect(conversationOf(harness.llm.requests.at(-1)!)).toEqual([`user:${long('Berlin')}`, 'assistant:Berlin is the capital of Germany.', 'user:And Madrid?']);
  });

  it('/busy queue lets the running answer finish in this chat although AGENT_BUSY_MODE is interrupt', async () => {
    const gateway = await harness.gateway(harness.env({ AGENT_BUSY_MODE: 'interrupt' }));
    expect(await ask(gateway, '/busy queue')).toBe('Busy mode here: queue');
    harness.llm.enqueue({ text: 'One two three four five six seven eight', chunks: 8, chunkDelayMs: 250 }, { text: 'Rome answer.' });

    await say(gateway, 'Count slowly');
    const started = Date.now();
    while (harness.llm.requests.length < 1) {
      if (Date.now() - started > 15_000) throw new Error('the model was not asked');
      await sleep(10);
    }
    await say(gateway, 'and about Rome');
    await harness.waitForMessages(ALICE.id, (texts) => texts.at(-1) === 'Rome answer.');
    await waitForQuiescence(gateway.url);

    expect(harness.telegram.messagesIn(ALICE.id).map((m) => m.text).slice(1)).toEqual(['One two three four five six seven eight', 'Rome answer.']);
    expect(harness.llm.requests.map((request) => request.aborted)).toEqual([false, false]);
  });

  it('/reasoning asks for the effort and shows the thinking above the answer once asked to; bad words change nothing', async () => {
    const gateway = await harness.gateway(harness.env());
    expect(await ask(gateway, '/reasoning high')).toBe('Reasoning for this conversation: high');
    harness.llm.enqueue({ reasoning: 'The user greets me.', text: 'Hello Alice.' });
    expect(await ask(gateway, 'Hello')).toBe('Hello Alice.');
    expect(harness.llm.requests[0].body.reasoning_effort).toBe('high');

    await ask(gateway, '/reasoning show');
    harness.llm.enqueue({ reasoning: 'Another greeting.', text: 'Hi again.' });
    expect(await ask(gateway, 'Hi')).toBe('💭 Another greeting.\n\nHi again.');
    expect(await ask(gateway, '/reasoning maximum')).toBe('"maximum" is no reasoning setting. Use one of: off, low, medium, high, default, show, hide.');
    expect(await ask(gateway, '/reasoning')).toBe('Reasoning: high\nThinking: shown above the answer');
  });
});
