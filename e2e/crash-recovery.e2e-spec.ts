import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GatewayProcess } from './support/gateway-process';
import { REPEAT_MARKER } from '@switchboard/agent/reply/repeat-marker';
import { createTestDatabase } from './support/postgres';
import { ALICE, TelegramHarness, sleep } from './support/telegram-harness';

/**
 * kill -9 the gateway between the steps of answering a message, start it again on the same data:
 * the user must end up with one complete reply — nothing lost, and nothing sent twice except the
 * one part whose send was cut short, which comes again marked as a repeat.
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

/** Waits until the bot's messages to Alice satisfy `done`, then until nothing changes for a while; returns them. */
async function settledMessages(done: (texts: string[]) => boolean) {
  await harness.waitForMessages(ALICE.id, done);
  const snapshot = () => JSON.stringify(harness.telegram.messagesIn(ALICE.id).map((m) => m.history));
  // Quiescence: the same messages, with the same edits, across a stretch of checks.
  for (let last = snapshot(), still = 0; still < 40; still++) {
    await sleep(50);
    const now = snapshot();
    if (now !== last) [last, still] = [now, 0];
  }
  return harness.telegram.messagesIn(ALICE.id);
}

const sendMessageCalls = () => harness.telegram.calls({ path: /\/sendMessage$/ }).length;

/** The next sendMessage reaches the chat, but its answer never reaches the gateway. */
const stallNextSend = () => harness.telegram.stallAnswerNext('POST', '/bot:token/sendMessage');

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
    const messages = await settledMessages((texts) => texts[0] === ANSWER);
    expect(messages).toHaveLength(1);
    expect(messages[0].text).toBe(ANSWER);
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
    const messages = await settledMessages((texts) => texts[0] === ANSWER);
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
    await harness.post(first, harness.telegram.build.privateText('write a long answer', { from: ALICE }));
    await until(() => sendMessageCalls() === 1, 'the streamed draft (part 1)');
    harness.telegram.failApiNext('sendMessage', 500, 'Internal Server Error', 1); // part 2, first try
    await until(() => sendMessageCalls() === 2, 'the failed send of part 2');
    await sleep(300);
    await kill(first);
    expect(harness.telegram.messagesIn(ALICE.id).map((m) => m.text.slice(0, 7))).toEqual(['Part 1:']);

    await harness.gateway(env);
    const messages = await settledMessages((texts) => texts.length === 3);
    expect(messages).toHaveLength(3);
    // A 500 is no clear answer (the platform may have sent it), so part 2 comes marked.
    const texts = messages.map((m) => m.text);
    expect(texts[0].startsWith('Part 1:')).toBe(true);
    expect(texts[1].startsWith(`${REPEAT_MARKER}Part 2:`)).toBe(true);
    expect(texts[2].startsWith('Part 3:')).toBe(true);
    expect(messages.every((m) => m.text.length <= 4096)).toBe(true);
    expect(harness.llm.requests).toHaveLength(1); // the stored reply was delivered, not regenerated
  });
});

// On PostgreSQL (production's database) with the embedded queue, which a restart resumes at once.
describe('a gateway killed between a send and its record repeats that part once, marked, and nothing else', () => {
  const databases: { drop(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const database of databases) await database.drop();
  });
  async function postgresEnv(extra: Record<string, string> = {}): Promise<Record<string, string>> {
    const database = await createTestDatabase();
    databases.push(database);
    return harness.env({ DATABASE_URL: database.url, QUEUE_MODE: 'in-process', ...extra });
  }

  it('killed after the platform took a part but before the gateway learnt it: that part alone comes again, marked', async () => {
    // No edits while streaming: the draft is part 1's only send, part 2 is the next sendMessage.
    const env = await postgresEnv({ AGENT_STREAM_EDIT_INTERVAL_MS: '60000' });
    const long = Array.from({ length: 3 }, (_, i) => `Part ${i + 1}: ${'lorem ipsum '.repeat(300).trim()}`).join('\n\n');
    const first = await harness.gateway(env);
    harness.llm.enqueue({ text: long, chunks: 2, chunkDelayMs: 800 });
    await harness.post(first, harness.telegram.build.privateText('write a long answer', { from: ALICE }));
    await until(() => sendMessageCalls() === 1, 'the streamed draft (part 1)');
    stallNextSend();
    await until(() => sendMessageCalls() === 2, 'the send of part 2');
    await kill(first);
    const before = harness.telegram.messagesIn(ALICE.id).map((m) => m.text.slice(0, 7));
    expect(before).toEqual(['Part 1:', 'Part 2:']);

    await harness.gateway(env);
    const messages = await settledMessages((texts) => texts.length === 4);
    const [part1, part2, part2Again, part3] = messages.map((m) => m.text);
    expect(messages).toHaveLength(4);
    expect(part1.startsWith('Part 1:')).toBe(true);
    expect(part2.startsWith('Part 2:')).toBe(true);
    expect(part2Again).toBe(REPEAT_MARKER + part2);
    expect(part3.startsWith('Part 3:')).toBe(true);
    expect(messages.every((m) => m.text.length <= 4096)).toBe(true);
    expect(harness.llm.requests).toHaveLength(1);
  });

  it('killed after the platform took the streamed draft but before the gateway learnt it: one new draft, marked', async () => {
    const env = await postgresEnv();
    const first = await harness.gateway(env);
    harness.llm.enqueue({ text: ANSWER, chunks: 30, chunkDelayMs: 100 }, { text: ANSWER, chunks: 3 });
    stallNextSend();
    await harness.post(first, harness.telegram.build.privateText('tell me a story', { from: ALICE }));
    await until(() => sendMessageCalls() === 1, 'the draft');
    await kill(first);
    const [lostDraft] = harness.telegram.messagesIn(ALICE.id);

    await harness.gateway(env);
    const messages = await settledMessages((texts) => texts[1] === REPEAT_MARKER + ANSWER);
    expect(messages).toHaveLength(2);
    // The first draft stays as it was when the gateway died; the reply is in the marked one.
    expect(messages[0].history).toEqual(lostDraft.history);
    expect(messages[1].text).toBe(REPEAT_MARKER + ANSWER);
  });
});
