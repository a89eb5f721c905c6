import { Logger } from '@nestjs/common';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode, type InboundMessage, type WebhookRequest } from '@switchboard/core';
import { FakeWhatsAppServer, type FakeWhatsAppDelivery } from '@switchboard/testing';
import { TINY_PNG_BASE64 } from '@switchboard/testing/fixtures/images';
import { WhatsAppAdapter } from './whatsapp.adapter';

const USER = '4915112345678';
const TARGET = { platform: 'whatsapp', accountId: 'default', chatId: USER };

function posted(delivery: Pick<FakeWhatsAppDelivery, 'body' | 'signature'>): WebhookRequest {
  return { method: 'POST', accountId: 'default', headers: { 'x-hub-signature-256': delivery.signature }, query: {}, rawBody: Buffer.from(delivery.body) };
}

function verification(query: Record<string, string>): WebhookRequest {
  return { method: 'GET', accountId: 'default', headers: {}, query, rawBody: Buffer.alloc(0) };
}

async function failureOf(promise: Promise<unknown>): Promise<{ code: string; message: string; retryAfterMs?: number }> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  if (!error) throw new Error('expected a failure');
  return error as { code: string; message: string; retryAfterMs?: number };
}

describe('WhatsAppAdapter', () => {
  const fake = new FakeWhatsAppServer();
  let adapter: WhatsAppAdapter;
  let received: InboundMessage[];

  beforeAll(async () => {
    Logger.overrideLogger(false);
    await fake.start();
  });
  afterAll(() => fake.stop());
  beforeEach(async () => {
    fake.clear();
    received = [];
    adapter = new WhatsAppAdapter({ ...fake.app, apiRoot: fake.url, maxDownloadBytes: 1_000 });
    await adapter.start(async (message) => {
      received.push(message);
      return 'accepted';
    });
  });
  afterEach(() => adapter.stop());

  it('answers Meta\'s webhook check with hub.challenge when the verify token matches, and 403 when not', async () => {
    const query = { 'hub.mode': 'subscribe', 'hub.verify_token': fake.app.verifyToken, 'hub.challenge': '1158201444' };

    expect(await adapter.handleWebhook(verification(query))).toMatchObject({ status: 200, body: '1158201444' });
    expect(await adapter.handleWebhook(verification({ ...query, 'hub.verify_token': 'guess' }))).toMatchObject({ status: 403 });
    expect(await adapter.handleWebhook(verification({ ...query, 'hub.mode': 'unsubscribe' }))).toMatchObject({ status: 403 });
    expect(await adapter.handleWebhook(verification({ 'hub.challenge': '1' }))).toMatchObject({ status: 400 });
  });

  it('takes a signed notification whose body Meta escaped to ASCII, with the text as the user wrote it', async () => {
    const delivery = fake.notification({ from: USER, name: 'Jürgen', text: 'Grüße aus Köln 👋' });
    expect(delivery.body).toContain('\\u00fc');

    expect(await adapter.handleWebhook(posted(delivery))).toMatchObject({ status: 200 });
    expect(received).toMatchObject([{ chatId: USER, platformMessageId: delivery.messageId, text: 'Grüße aus Köln 👋', sender: { displayName: 'Jürgen' } }]);
  });

  it('refuses a notification signed with another secret, or unsigned, with 401 and stores nothing, never logging the secret', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn');
    const forged = fake.notification({ from: USER, name: 'M', text: 'hi' }, { appSecret: 'not-the-secret' });

    expect(await adapter.handleWebhook(posted(forged))).toMatchObject({ status: 401 });
    expect(await adapter.handleWebhook({ ...posted(forged), headers: {} })).toMatchObject({ status: 401 });
    expect(received).toEqual([]);
    expect(warn.mock.calls.flat().join(' ')).not.toContain(fake.app.appSecret);
    warn.mockRestore();
  });

  it('acks status notifications without storing anything', async () => {
    expect(await adapter.handleWebhook(posted(fake.statusNotification(USER, 'wamid.sent', 'delivered')))).toMatchObject({ status: 200 });
    expect(received).toEqual([]);
  });

  it('sends a reply as one text, and shows typing on the chat\'s latest message', async () => {
    const delivery = fake.notification({ from: USER, name: 'Jana', text: 'Hello?' });
    await adapter.handleWebhook(posted(delivery));

    await adapter.sendTyping(TARGET);
    const sent = await adapter.send(TARGET, { text: 'Hi Jana!' });

    expect(fake.messagesTo(USER)).toEqual([{ to: USER, id: sent.platformMessageId, body: 'Hi Jana!' }]);
    expect(fake.typingShown().map((shown) => shown.messageId)).toEqual([delivery.messageId]);
  });

  it('maps a throughput limit to RATE_LIMITED, a server error to TEMPORARY', async () => {
    await adapter.handleWebhook(posted(fake.notification({ from: USER, name: 'Jana', text: 'hi' })));
    fake.failSendNext({ status: 400, code: 130429, message: 'Rate limit hit' }).failSendNext({ status: 502 });

    expect(await failureOf(adapter.send(TARGET, { text: 'a' }))).toMatchObject({ code: ErrorCode.RATE_LIMITED, retryAfterMs: 1_000 });
    expect(await failureOf(adapter.send(TARGET, { text: 'b' }))).toMatchObject({ code: ErrorCode.TEMPORARY });
  });

  it('fails a reply outside the 24-hour window for good, and logs why for the operator', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn');
    await adapter.handleWebhook(posted(fake.notification({ from: USER, name: 'Jana', text: 'hi' })));
    fake.closeWindow(USER);

    const failure = await failureOf(adapter.send(TARGET, { text: 'too late' }));

    expect(failure.code).toBe(ErrorCode.PERMANENT);
    expect(warn.mock.calls.flat().join(' ')).toMatch(/not delivered and not retried.*131047.*more than 24 hours ago/);
    warn.mockRestore();
  });

  it('downloads an image through the media lookup, and refuses one over the size limit before fetching it', async () => {
    const png = Buffer.from(TINY_PNG_BASE64, 'base64');
    await adapter.handleWebhook(posted(fake.notification({ from: USER, name: 'J', text: 'look', media: { kind: 'image', data: png, mimeType: 'image/png' } })));
    await adapter.handleWebhook(posted(fake.notification({ from: USER, name: 'J', media: { kind: 'document', data: Buffer.alloc(2_000), mimeType: 'application/pdf', fileName: 'big.pdf' } })));
    const [image, document] = received.map((message) => message.attachments[0]);

    expect(await adapter.downloadAttachment(image)).toEqual(png);
    expect(await failureOf(adapter.downloadAttachment(document))).toMatchObject({ code: ErrorCode.INVALID_INPUT, message: expect.stringContaining('WHATSAPP_MAX_DOWNLOAD_BYTES') });
    expect(fake.calls({ path: /^\/media-files\// })).toHaveLength(1);
  });

  it('does not start with a token Meta refuses', async () => {
    const wrong = new WhatsAppAdapter({ ...fake.app, accessToken: 'EAAGrevoked', apiRoot: fake.url });
    expect(await failureOf(wrong.start(async () => 'accepted'))).toMatchObject({ code: ErrorCode.AUTH_FAILED });
  });
});
