import { DomainError, ErrorCode, type InboundMessage, type WebhookRequest } from '@switchboard/core';
import { FAKE_TELEGRAM_TOKEN, FakeTelegramServer, deferred, recordingSink } from '@switchboard/testing';
import type { Update } from 'grammy/types';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import editedMessage from './fixtures/edited-message.json';
import { TelegramAdapter, type TelegramAdapterOptions } from './telegram.adapter';

const SECRET = 'webhook-secret-0123456789';
const fake = new FakeTelegramServer();
const running: TelegramAdapter[] = [];

beforeAll(() => fake.start());
afterAll(() => fake.stop());
afterEach(async () => {
  await Promise.all(running.splice(0).map((adapter) => adapter.stop()));
  fake.clear();
});

function adapter(options: Partial<TelegramAdapterOptions> = {}): TelegramAdapter {
  const created = new TelegramAdapter({ botToken: FAKE_TELEGRAM_TOKEN, mode: 'webhook', webhookSecret: SECRET, apiRoot: fake.url, ...options });
  running.push(created);
  return created;
}

function webhookRequest(body: unknown, secret: string | null = SECRET): WebhookRequest {
  return {
    method: 'POST',
    accountId: 'default',
    headers: secret === null ? {} : { 'x-telegram-bot-api-secret-token': secret },
    rawBody: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    query: {},
  };
}

async function startedWebhookAdapter(answer?: Parameters<typeof recordingSink>[0]) {
  const { sink, received } = recordingSink(answer);
  const telegram = adapter();
  await telegram.start(sink);
  return { telegram, received };
}

function setWebhookElsewhere(): Promise<Response> {
  return fetch(`${fake.url}/bot${FAKE_TELEGRAM_TOKEN}/setWebhook?url=https://elsewhere.example.com/hook`);
}

/** Resolves once `condition` holds, checking every 10 ms. */
async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs}ms: ${condition.toString()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('TelegramAdapter in webhook mode', () => {
  it('registers its webhook with the secret and asks for messages only', async () => {
    await adapter({ webhookUrl: 'https://gateway.example.com/webhooks/telegram' }).start(recordingSink().sink);

    expect(fake.webhook).toEqual({ url: 'https://gateway.example.com/webhooks/telegram', secretToken: SECRET, allowedUpdates: ['message'] });
  });

  it('hands a message with the right secret to the sink, then answers 200', async () => {
    const { telegram, received } = await startedWebhookAdapter();
    const update = fake.build.privateText('hello bot');

    expect(await telegram.handleWebhook(webhookRequest(update))).toEqual({ status: 200 });
    expect(received).toMatchObject([{ platform: 'telegram', chatType: 'dm', chatId: '111111111', text: 'hello bot', mentionsBot: true }]);
  });

  it('answers 200 only after the sink resolved', async () => {
    const stored = deferred();
    const { telegram } = await startedWebhookAdapter(async () => {
      await stored.promise;
      return 'accepted';
    });
    let answered = false;
    const answer = telegram.handleWebhook(webhookRequest(fake.build.privateText('slow'))).then((response) => ((answered = true), response));

    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(answered).toBe(false);
    stored.resolve();
    expect(await answer).toEqual({ status: 200 });
  });

  it.each([
    ['a wrong secret', 'webhook-secret-0123456780'],
    ['a secret of another length', 'short'],
    ['no secret', null],
  ])('refuses a request with %s with 401 and leaves the sink alone', async (_name, secret) => {
    const { telegram, received } = await startedWebhookAdapter();

    expect((await telegram.handleWebhook(webhookRequest(fake.build.privateText('spoofed'), secret))).status).toBe(401);
    expect(received).toEqual([]);
  });

  it.each([
    ['malformed JSON', '{"update_id": 1, "message":'],
    ['an array', '[1, 2]'],
    ['an object without update_id', '{"message": {}}'],
  ])('answers 400 to %s', async (_name, body) => {
    const { telegram, received } = await startedWebhookAdapter();

    expect((await telegram.handleWebhook(webhookRequest(body))).status).toBe(400);
    expect(received).toEqual([]);
  });

  it('acks an authentic update it cannot read, without calling the sink, so Telegram does not deliver it again', async () => {
    const { telegram, received } = await startedWebhookAdapter();
    const update = fake.build.privateText('hi') as unknown as { message: Record<string, unknown> };
    delete update.message.chat;

    expect((await telegram.handleWebhook(webhookRequest(update))).status).toBe(200);
    expect(received).toEqual([]);
  });

  it.each([
    ['a temporary failure', new DomainError(ErrorCode.TEMPORARY, 'backlog full'), 503],
    ['anything else', new Error('bug'), 500],
  ])('answers %s of the sink with %d, so Telegram delivers the update again', async (_name, failure, status) => {
    const { telegram } = await startedWebhookAdapter(async () => {
      throw failure;
    });

    expect((await telegram.handleWebhook(webhookRequest(fake.build.privateText('hi')))).status).toBe(status);
  });

  it('acknowledges an update it does not act on without calling the sink', async () => {
    const { telegram, received } = await startedWebhookAdapter();

    expect(await telegram.handleWebhook(webhookRequest(editedMessage))).toEqual({ status: 200 });
    expect(received).toEqual([]);
  });

  it('answers 503 before start and after stop, so Telegram retries later', async () => {
    const telegram = adapter();
    expect((await telegram.handleWebhook(webhookRequest(fake.build.privateText('early')))).status).toBe(503);

    await telegram.start(recordingSink().sink);
    await telegram.stop();
    expect((await telegram.handleWebhook(webhookRequest(fake.build.privateText('late')))).status).toBe(503);
  });

  it('refuses webhook mode without a secret', () => {
    expect(() => new TelegramAdapter({ botToken: FAKE_TELEGRAM_TOKEN, mode: 'webhook', apiRoot: fake.url })).toThrow(DomainError);
  });
});

describe('TelegramAdapter mapping through a webhook', () => {
  const CHAT = -1001234567890;

  async function deliver(build: () => Update | Promise<Update>): Promise<InboundMessage> {
    const { telegram, received } = await startedWebhookAdapter();
    expect((await telegram.handleWebhook(webhookRequest(await build()))).status).toBe(200);
    expect(received).toHaveLength(1);
    return received[0];
  }

  it('maps a group message that mentions the bot', async () => {
    const message = await deliver(() => fake.build.groupText(`@${fake.botUsername} how are the builds?`));
    expect(message).toMatchObject({ chatType: 'group', chatId: String(CHAT), sender: { username: 'bob_builds' }, mentionsBot: true });
  });

  it('maps a group message without a mention as not addressed to the bot', async () => {
    const message = await deliver(() => fake.build.groupText('just chatting, @alice_l'));
    expect(message).toMatchObject({ chatType: 'group', mentionsBot: false, repliesToBot: false });
  });

  it('maps a reply to something the bot said', async () => {
    const message = await deliver(async () => {
      const sender = adapter();
      await sender.start(recordingSink().sink);
      await sender.send({ platform: 'telegram', accountId: 'default', chatId: String(CHAT) }, { text: 'Build 41 is green.' });
      return fake.build.replyToBot('and 42?', fake.messagesIn(CHAT)[0]);
    });
    const [botMessage] = fake.messagesIn(CHAT);
    expect(message).toMatchObject({ chatType: 'group', repliesToBot: true, replyToMessageId: `${CHAT}:${botMessage.messageId}` });
  });

  it('maps a forum topic message to a thread', async () => {
    const message = await deliver(() => fake.build.topicText(`@${fake.botUsername} status?`, { threadId: 31 }));
    expect(message).toMatchObject({ chatType: 'thread', chatId: '-1009876543210', threadId: '31', mentionsBot: true, repliesToBot: false });
  });

  it('maps a photo to its largest size with the caption as text', async () => {
    const update = fake.build.photo({ caption: 'what is this?' });
    const message = await deliver(() => update);
    const largest = update.message?.photo?.[2];
    expect(largest?.width).toBe(1280);
    expect(message).toMatchObject({ chatType: 'dm', text: 'what is this?', attachments: [{ kind: 'image', platformFileId: largest?.file_id }] });
  });

  it('maps a document', async () => {
    const message = await deliver(() => fake.build.document({ fileName: 'budget.xlsx', mimeType: 'application/vnd.ms-excel', data: Buffer.from('cells') }));
    expect(message.attachments).toEqual([
      { kind: 'file', platformFileId: expect.any(String), fileName: 'budget.xlsx', mimeType: 'application/vnd.ms-excel', sizeBytes: 5 },
    ]);
  });
});

describe('TelegramAdapter in polling mode', () => {
  it('removes a webhook and delivers queued updates to the sink', async () => {
    await setWebhookElsewhere();
    const { sink, received } = recordingSink();
    await adapter({ mode: 'polling' }).start(sink);
    const first = fake.queueUpdate(fake.build.privateText('one'));
    const second = fake.queueUpdate(fake.build.groupText(`@${fake.botUsername} two`));

    await until(() => received.length === 2);
    expect(fake.webhook).toBeUndefined();
    expect(received.map((message) => message.text)).toEqual(['one', `@${fake.botUsername} two`]);
    await fake.waitForConfirmation(second);
    expect(fake.pendingUpdates).not.toContainEqual(first);
  });

  it('confirms an update to Telegram only after the sink resolved', async () => {
    const stored = deferred();
    const { sink, received } = recordingSink(async () => {
      await stored.promise;
      return 'accepted';
    });
    await adapter({ mode: 'polling' }).start(sink);
    const update = fake.queueUpdate(fake.build.privateText('keep me'));

    await until(() => received.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fake.confirmedOffset).toBeLessThanOrEqual(update.update_id);
    expect(fake.pendingUpdates).toEqual([update]);

    stored.resolve();
    await fake.waitForConfirmation(update);
    expect(fake.pendingUpdates).toEqual([]);
  });

  it('retries a failing sink instead of confirming the update, and keeps polling', async () => {
    const { sink, received } = recordingSink(async (_message, call) => {
      if (call === 1) throw new Error('database unavailable');
      return 'accepted';
    });
    await adapter({ mode: 'polling' }).start(sink);
    const update = fake.queueUpdate(fake.build.privateText('retry me'));

    await until(() => received.length === 1);
    expect(fake.confirmedOffset).toBeLessThanOrEqual(update.update_id);
    await fake.waitForConfirmation(update);
    expect(received.map((message) => message.platformMessageId)).toEqual([received[0].platformMessageId, received[0].platformMessageId]);

    const next = fake.queueUpdate(fake.build.privateText('and the next one'));
    await fake.waitForConfirmation(next);
    expect(received.at(-1)?.text).toBe('and the next one');
  });

  it('stops polling on stop()', async () => {
    const { sink, received } = recordingSink();
    const telegram = adapter({ mode: 'polling' });
    await telegram.start(sink);

    // The held long poll lasts as long as the test may: only an aborted poll lets stop() return.
    await telegram.stop();
    fake.queueUpdate(fake.build.privateText('after stop'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received).toEqual([]);
  });

  it('lets an in-flight sink call finish before stop() resolves', async () => {
    const stored = deferred();
    const { sink, received } = recordingSink(async () => {
      await stored.promise;
      return 'accepted';
    });
    const telegram = adapter({ mode: 'polling' });
    await telegram.start(sink);
    fake.queueUpdate(fake.build.privateText('in flight'));
    await until(() => received.length === 1);

    let stopped = false;
    const stopping = telegram.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stopped).toBe(false);
    stored.resolve();
    await stopping;
  });

  it('keeps polling through a 409 Conflict from another poller, reporting it until polling resumed', async () => {
    const { sink, received } = recordingSink();
    const telegram = adapter({ mode: 'polling' });
    await telegram.start(sink);
    await fake.waitForCall((call) => call.params.apiMethod === 'getUpdates');

    // A stale poller with the same token: Telegram ends the adapter's long poll with 409.
    const stale = fetch(`${fake.url}/bot${FAKE_TELEGRAM_TOKEN}/getUpdates?timeout=1`).then((response) => response.json());
    await until(() => telegram.healthProbe().then(() => false, () => true));
    await expect(telegram.healthProbe()).rejects.toMatchObject({ message: expect.stringContaining('409 Conflict') });
    await stale;

    await until(() => telegram.healthProbe().then(() => true, () => false));
    const update = fake.queueUpdate(fake.build.privateText('still here'));
    await until(() => received.length === 1);
    expect(received[0].text).toBe('still here');
    await fake.waitForConfirmation(update);
  });

  it('keeps polling after Telegram refused getUpdates because a webhook was set elsewhere', async () => {
    const { sink, received } = recordingSink();
    await adapter({ mode: 'polling' }).start(sink);
    await setWebhookElsewhere();
    // Ends the waiting long poll; the next getUpdates meets the webhook and gets 409.
    fake.queueUpdate(fake.build.privateText('wake up'));
    await until(() => received.length === 1);

    const next = fake.queueUpdate(fake.build.privateText('after the conflict'));
    await fake.waitForConfirmation(next, 10_000);
    expect(received.map((message) => message.text)).toEqual(['wake up', 'after the conflict']);
    expect(fake.webhook).toBeUndefined();
  });

  it('declares polling as a long connection to hold under a lease, and webhook mode as none', () => {
    expect(adapter({ mode: 'polling' }).longConnection).toEqual({ account: 'default', kind: 'polling' });
    expect(adapter().longConnection).toBeUndefined();
  });
});

describe('TelegramAdapter.healthProbe and start', () => {
  it('answers with the bot username', async () => {
    expect(await adapter().healthProbe()).toEqual({ username: 'switchboard_test_bot' });
  });

  it('fails start and the probe with AUTH_FAILED for a token Telegram does not know', async () => {
    const wrong = adapter({ botToken: '123:WrongTokenWrongTokenWrong' });

    await expect(wrong.start(recordingSink().sink)).rejects.toMatchObject({ code: ErrorCode.AUTH_FAILED });
    await expect(wrong.healthProbe()).rejects.toMatchObject({ code: ErrorCode.AUTH_FAILED });
  });

  it('accepts an apiRoot with a trailing slash', async () => {
    expect(await adapter({ apiRoot: `${fake.url}/` }).healthProbe()).toEqual({ username: 'switchboard_test_bot' });
  });
});
