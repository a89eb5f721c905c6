import { DomainError, ErrorCode, type ChatTarget } from '@switchboard/core';
import { FAKE_TELEGRAM_TOKEN, FakePlatformServer, FakeTelegramServer } from '@switchboard/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TelegramAdapter } from './telegram.adapter';

const fake = new FakeTelegramServer();
// Somewhere a URL attachment can be fetched from.
const files = new FakePlatformServer().route('GET', '/files/report.pdf', () => ({ body: Buffer.from('%PDF-1.7 fake report') }));

beforeAll(async () => {
  await fake.start();
  await files.start();
});
afterAll(async () => {
  await fake.stop();
  await files.stop();
});
afterEach(() => fake.clear());

const telegram = () => new TelegramAdapter({ botToken: FAKE_TELEGRAM_TOKEN, mode: 'polling', apiRoot: fake.url });
const dm: ChatTarget = { platform: 'telegram', accountId: 'default', chatId: '111111111' };
const topic: ChatTarget = { platform: 'telegram', accountId: 'default', chatId: '-1009876543210', threadId: '17' };

function sendCalls(): number {
  return fake.calls({ path: `/bot${FAKE_TELEGRAM_TOKEN}/sendMessage` }).length;
}

async function failureOf(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('TelegramAdapter.send', () => {
  it('sends text and returns "<chatId>:<message_id>" of the message the user sees', async () => {
    const sent = await telegram().send(dm, { text: 'Hello Alice' });

    const [message] = fake.messagesIn(dm.chatId);
    expect(message).toMatchObject({ kind: 'text', text: 'Hello Alice' });
    expect(sent).toEqual({ platformMessageId: `111111111:${message.messageId}` });
  });

  it('posts into the thread and replies to the given message', async () => {
    await telegram().send(topic, { text: 'On it.', replyToMessageId: '-1009876543210:88' });

    expect(fake.messagesIn(topic.chatId)).toMatchObject([{ threadId: 17, replyToMessageId: 88, text: 'On it.' }]);
  });

  it('uploads an image from bytes as a photo and a URL attachment as a document', async () => {
    const sent = await telegram().send(dm, {
      text: 'Here are the files',
      attachments: [
        { kind: 'image', fileName: 'chart.png', mimeType: 'image/png', data: Buffer.from('png bytes'), caption: 'Q3 chart' },
        { kind: 'file', fileName: 'report.pdf', url: `${files.url}/files/report.pdf`, caption: 'full report' },
      ],
    });

    const messages = fake.messagesIn(dm.chatId);
    expect(messages).toMatchObject([
      { kind: 'text', text: 'Here are the files' },
      { kind: 'photo', text: 'Q3 chart', fileName: 'chart.png' },
      { kind: 'document', text: 'full report', fileName: 'report.pdf' },
    ]);
    expect(messages[1].file?.toString()).toBe('png bytes');
    expect(messages[2].file?.toString()).toBe('%PDF-1.7 fake report');
    expect(sent.platformMessageId).toBe(`111111111:${messages[0].messageId}`);
  });

  it('returns the first attachment when there is no text, replying with it', async () => {
    const sent = await telegram().send(topic, {
      text: '',
      replyToMessageId: '-1009876543210:88',
      attachments: [{ kind: 'file', fileName: 'a.txt', data: Buffer.from('a') }, { kind: 'file', fileName: 'b.txt', data: Buffer.from('b') }],
    });

    const messages = fake.messagesIn(topic.chatId, 17);
    expect(messages.map((m) => [m.fileName, m.replyToMessageId])).toEqual([['a.txt', 88], ['b.txt', undefined]]);
    expect(sent.platformMessageId).toBe(`-1009876543210:${messages[0].messageId}`);
  });

  it('refuses an attachment with neither bytes nor a URL as INVALID_INPUT', async () => {
    const error = await failureOf(telegram().send(dm, { text: '', attachments: [{ kind: 'file', fileName: 'ghost.txt' }] }));

    expect(error.code).toBe(ErrorCode.INVALID_INPUT);
  });
});

describe('TelegramAdapter.edit and sendTyping', () => {
  it('edits a sent message in place', async () => {
    const adapter = telegram();
    const sent = await adapter.send(dm, { text: 'Thinking…' });
    await adapter.edit(dm, sent.platformMessageId, 'The answer');
    await adapter.edit(dm, sent.platformMessageId, 'The answer is 42.');

    expect(fake.messagesIn(dm.chatId)).toMatchObject([{ text: 'The answer is 42.', history: ['Thinking…', 'The answer', 'The answer is 42.'] }]);
  });

  it('treats an edit to the same text as done, though Telegram answers 400', async () => {
    const adapter = telegram();
    const sent = await adapter.send(dm, { text: 'Unchanged' });

    await expect(adapter.edit(dm, sent.platformMessageId, 'Unchanged')).resolves.toBeUndefined();
    expect(fake.calls({ path: /editMessageText$/ })).toHaveLength(1);
    expect(fake.messagesIn(dm.chatId)).toMatchObject([{ history: ['Unchanged'] }]);
  });

  it('reports an edit of a message that does not exist as INVALID_INPUT', async () => {
    const error = await failureOf(telegram().edit(dm, '111111111:999', 'x'));

    expect(error).toMatchObject({ code: ErrorCode.INVALID_INPUT, message: expect.stringContaining('message to edit not found') });
  });

  it('shows typing in the thread', async () => {
    await telegram().sendTyping(topic);

    expect(fake.chatActions(topic.chatId)).toEqual([{ action: 'typing', threadId: 17 }]);
  });
});

describe('TelegramAdapter error mapping', () => {
  it('waits out a 429 with retry_after 1 and retries once, unseen by the caller', async () => {
    fake.rateLimitNext('sendMessage', 1);
    const started = Date.now();

    await telegram().send(dm, { text: 'patience' });

    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(sendCalls()).toBe(2);
    expect(fake.messagesIn(dm.chatId)).toMatchObject([{ text: 'patience' }]);
  });

  it('retries only once: a second 429 reaches the caller as RATE_LIMITED', async () => {
    fake.rateLimitNext('sendMessage', 1, 2);

    const error = await failureOf(telegram().send(dm, { text: 'again' }));

    expect(error).toMatchObject({ code: ErrorCode.RATE_LIMITED, retryAfterMs: 1000 });
    expect(sendCalls()).toBe(2);
  });

  it('does not wait out a long 429: RATE_LIMITED with retryAfterMs 30000 at once', async () => {
    // Waiting 30 s would outlast the test's time limit.
    fake.rateLimitNext('sendMessage', 30);

    const error = await failureOf(telegram().send(dm, { text: 'later' }));

    expect(error).toMatchObject({ code: ErrorCode.RATE_LIMITED, retryAfterMs: 30_000 });
    expect(error.retryable).toBe(true);
    expect(sendCalls()).toBe(1);
  });

  it.each([
    [403, 'Forbidden: bot was blocked by the user', ErrorCode.PERMANENT],
    [400, 'Bad Request: chat not found', ErrorCode.INVALID_INPUT],
    [502, 'Bad Gateway', ErrorCode.TEMPORARY],
  ])('maps %i %s to %s', async (status, description, code) => {
    fake.failApiNext('sendMessage', status, description);

    const error = await failureOf(telegram().send(dm, { text: 'x' }));

    expect(error).toMatchObject({ code, message: `Telegram sendMessage failed: ${status} ${description}` });
  });

  it('maps a token Telegram does not know to AUTH_FAILED', async () => {
    const stranger = new TelegramAdapter({ botToken: '123:UnknownTokenUnknownToken', mode: 'polling', apiRoot: fake.url });

    expect((await failureOf(stranger.sendTyping(dm))).code).toBe(ErrorCode.AUTH_FAILED);
  });

  it('maps an unreachable Bot API to TEMPORARY', async () => {
    const closed = new FakePlatformServer();
    await closed.start();
    const url = closed.url;
    await closed.stop();
    const offline = new TelegramAdapter({ botToken: FAKE_TELEGRAM_TOKEN, mode: 'polling', apiRoot: url });

    expect((await failureOf(offline.send(dm, { text: 'anyone?' }))).code).toBe(ErrorCode.TEMPORARY);
  });
});

describe('TelegramAdapter.setCommands', () => {
  it("publishes the commands as the bot's command menu", async () => {
    await telegram().setCommands([
      { name: 'new', description: 'start a fresh conversation' },
      { name: 'model', description: 'switch the model [provider:model]' },
    ]);

    expect(fake.commandMenu).toEqual([
      { command: 'new', description: 'start a fresh conversation' },
      { command: 'model', description: 'switch the model [provider:model]' },
    ]);
  });
});
