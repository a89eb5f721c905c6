import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GatewayProcess } from './support/gateway-process';
import { ALICE, TelegramHarness, sleep } from './support/telegram-harness';

/**
 * kill -9 the gateway between the steps of answering a message, start it again on the same data:
 * the user must end up with exactly one complete reply — nothing lost, nothing sent twice.
 */
const harness = new TelegramHarness();
beforeAll(() => harness.start());
afterAll(() => harness.stop());
beforeEach(() => {
  harness.telegram.clear();
  harness.llm.reset();
});

const ANSWER = 'The quick brown fox jumps over the lazy dog, then naps in the warm afternoon sun.';

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function kill(gateway: GatewayProcess): Promise<void> {
  const exit = await gateway.stop('SIGKILL');
  expect(exit.signal).toBe('SIGKILL');
}

describe('a gateway killed mid-turn answers exactly once after restart', () => {
  it('killed after the ack, while the model has not answered yet', async () => {
    const env = harness.env();
    const first = await harness.gateway(env);
    harness.llm.enqueue({ text: ANSWER, hang: 'no-response' }, { text: ANSWER });
    expect(await harness.post(first, harness.telegram.build.privateText('tell me a story', { from: ALICE }))).toBe(200);
    await until(() => harness.llm.requests.length === 1, 'the model request');
    await kill(first);
    expect(harness.telegram.messagesIn(ALICE.id)).toHaveLength(0);

    await harness.gateway(env);
    const [reply] = await harness.waitForMessages(ALICE.id, (texts) => texts[0] === ANSWER);
    await sleep(1_500);
    expect(harness.telegram.messagesIn(ALICE.id)).toHaveLength(1);
    expect(reply.text).toBe(ANSWER);
  });

  it('killed while the reply streams into a draft: the draft is finished, not sent again', async () => {
    const env = harness.env();
    const first = await harness.gateway(env);
    harness.llm.enqueue({ text: ANSWER, chunks: 30, chunkDelayMs: 250 }, { text: ANSWER, chunks: 3 });
    await harness.post(first, harness.telegram.build.privateText('tell me a story', { from: ALICE }));
    await until(() => (harness.telegram.messagesIn(ALICE.id)[0]?.history.length ?? 0) >= 2, 'a draft with an edit');
    await kill(first);
    const draft = harness.telegram.messagesIn(ALICE.id)[0];
    expect(draft.text).not.toBe(ANSWER);

    await harness.gateway(env);
    await harness.waitForMessages(ALICE.id, (texts) => texts[0] === ANSWER);
    await sleep(1_500);
    const messages = harness.telegram.messagesIn(ALICE.id);
    expect(messages).toHaveLength(1);
    expect(messages[0].messageId).toBe(draft.messageId);
  });

  it('killed after the reply was generated, mid-delivery: only the unconfirmed parts are sent', async () => {
    // No edits while streaming and a long retry delay: the order of calls is fixed and the kill
    // lands while the failed part waits for its retry.
    const env = harness.env({ AGENT_STREAM_EDIT_INTERVAL_MS: '60000', QUEUE_BACKOFF_MS: '8000' });
    const long = Array.from({ length: 3 }, (_, i) => `Part ${i + 1}: ${'lorem ipsum '.repeat(300).trim()}`).join('\n\n');
    const first = await harness.gateway(env);
    harness.llm.enqueue({ text: long, chunks: 2, chunkDelayMs: 800 });
    const sends = () => harness.telegram.calls({ path: /\/sendMessage$/ }).length;
    await harness.post(first, harness.telegram.build.privateText('write a long answer', { from: ALICE }));
    await until(() => sends() === 1, 'the streamed draft (part 1)');
    harness.telegram.failApiNext('sendMessage', 500, 'Internal Server Error', 1); // part 2, first try
    await until(() => sends() === 2, 'the failed send of part 2');
    await sleep(300);
    await kill(first);
    expect(harness.telegram.messagesIn(ALICE.id).map((m) => m.text.slice(0, 7))).toEqual(['Part 1:']);

    await harness.gateway(env);
    const messages = await harness.waitForMessages(ALICE.id, (texts) => texts.length === 3);
    await sleep(1_500);
    expect(harness.telegram.messagesIn(ALICE.id)).toHaveLength(3);
    expect(messages.map((m) => m.text.slice(0, 7))).toEqual(['Part 1:', 'Part 2:', 'Part 3:']);
    expect(messages.every((m) => m.text.length <= 4096)).toBe(true);
    expect(harness.llm.requests).toHaveLength(1); // the stored reply was delivered, not regenerated
  });
});
