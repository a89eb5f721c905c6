import { Logger } from '@nestjs/common';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, isDomainError, type InboundMessage, type WebhookMethod, type WebhookRequest } from '@switchboard/core';
import { FakeWecomServer, type FakeWecomCallback } from '@switchboard/testing';
import { WecomCallbackAdapter } from './wecom-callback.adapter';

const USER = 'zhangsan';

function request(method: WebhookMethod, query: string, body = ''): WebhookRequest {
  return { method, accountId: 'default', headers: {}, query: Object.fromEntries(new URLSearchParams(query)), rawBody: Buffer.from(body) };
}

const callbackRequest = (callback: FakeWecomCallback) => request('POST', callback.query, callback.body);

describe('WecomCallbackAdapter', () => {
  const fake = new FakeWecomServer();
  let adapter: WecomCallbackAdapter;
  let received: InboundMessage[];

  beforeAll(async () => {
    Logger.overrideLogger(false);
    await fake.start();
  });
  afterAll(() => fake.stop());
  beforeEach(async () => {
    fake.clear();
    received = [];
    adapter = new WecomCallbackAdapter({ ...fake.app, apiRoot: fake.url });
    await adapter.start(async (message) => {
      received.push(message);
      return 'accepted';
    });
  });
  afterEach(() => adapter.stop());

  it('answers WeCom\'s URL check with the decrypted echostr', async () => {
    const { query, echo } = fake.urlCheck();
    expect(await adapter.handleWebhook(request('GET', query))).toMatchObject({ status: 200, body: echo });
  });

  it('refuses a URL check signed with another token', async () => {
    const { query, echo } = fake.urlCheck({ token: 'SomeoneElsesToken' });
    const response = await adapter.handleWebhook(request('GET', query));
    expect(response.status).toBe(401);
    expect(response.body).not.toContain(echo);
  });

  it('maps a signed, encrypted text to a direct message and acks it with an empty 200 once stored', async () => {
    const callback = fake.textCallback(USER, '你好, bot');
    expect(await adapter.handleWebhook(callbackRequest(callback))).toMatchObject({ status: 200, body: '' });
    expect(received).toEqual([
      expect.objectContaining({ platform: 'wecom', chatId: USER, chatType: 'dm', platformMessageId: callback.msgId, sender: { id: USER }, text: '你好, bot', mentionsBot: true }),
    ]);
  });

  it('refuses a callback whose msg_signature does not match with 401 and hands nothing on', async () => {
    const response = await adapter.handleWebhook(callbackRequest(fake.textCallback(USER, 'forged', { token: 'SomeoneElsesToken' })));
    expect(response.status).toBe(401);
    expect(received).toEqual([]);
  });

  it('refuses a callback encrypted for another corp', async () => {
    const response = await adapter.handleWebhook(callbackRequest(fake.textCallback(USER, 'elsewhere', { corpId: 'wwanothercorp00000' })));
    expect(response.status).toBe(400);
    expect(received).toEqual([]);
  });

  it('leaves a message that was not stored to WeCom\'s retry', async () => {
    await adapter.stop();
    await adapter.start(async () => {
      throw new Error('database away');
    });
    expect((await adapter.handleWebhook(callbackRequest(fake.textCallback(USER, 'lost?')))).status).toBe(500);
  });

  it('sends a reply through message/send, split by UTF-8 bytes without cutting a character', async () => {
    // 1500 three-byte characters and 600 four-byte emoji: 6900 bytes, no spaces to break at.
    const text = '字'.repeat(1500) + '😀'.repeat(600);
    const sent = await adapter.send({ platform: 'wecom', accountId: 'default', chatId: USER }, { text });
    const messages = fake.messagesTo(USER);
    expect(messages.length).toBe(4);
    for (const message of messages) expect(Buffer.byteLength(message.content, 'utf8')).toBeLessThanOrEqual(2048);
    expect(messages.map((m) => m.content).join('')).toBe(text);
    expect(sent.platformMessageId).toBe(messages[0].msgid);
  });

  it('keeps its access token across sends and fetches a new one when WeCom says it expired', async () => {
    const target = { platform: 'wecom', accountId: 'default', chatId: USER };
    const before = fake.tokenCount;
    await adapter.send(target, { text: 'one' });
    await adapter.send(target, { text: 'two' });
    expect(fake.tokenCount).toBe(before);
    fake.expireTokens();
    await adapter.send(target, { text: 'three' });
    expect(fake.tokenCount).toBe(before + 1);
    expect(fake.messagesTo(USER).map((m) => m.content)).toEqual(['one', 'two', 'three']);
  });

  it('maps the frequency limit, which names no wait, to RATE_LIMITED with the default wait of 2 s', async () => {
    fake.failSendNext({ errcode: 45009, errmsg: 'api freq out of limit' });
    const error = await adapter.send({ platform: 'wecom', accountId: 'default', chatId: USER }, { text: 'x' }).catch((e: unknown) => e);
    expect(isDomainError(error) && error.code).toBe(ErrorCode.RATE_LIMITED);
    expect(isDomainError(error) && error.retryAfterMs).toBe(2_000);
  });

  it('does not start with a wrong secret, naming the failure AUTH_FAILED', async () => {
    const wrong = new WecomCallbackAdapter({ ...fake.app, secret: 'not-the-secret', apiRoot: fake.url });
    const error = await wrong.start(async () => 'accepted').catch((e: unknown) => e);
    expect(isDomainError(error) && error.code).toBe(ErrorCode.AUTH_FAILED);
  });

  it('sends a file as media: uploaded first, then an image or file message, the text before it', async () => {
    const target = { platform: 'wecom', accountId: 'default', chatId: USER };
    const pdf = Buffer.from('%PDF-1.4 weekly report');
    const png = Buffer.from('89504e47', 'hex');

    await adapter.send(target, {
      text: 'The weekly report:',
      attachments: [
        { kind: 'file', fileName: 'report.pdf', mimeType: 'application/pdf', data: pdf },
        { kind: 'image', fileName: 'chart.png', mimeType: 'image/png', data: png },
      ],
    });

    expect(fake.messagesTo(USER).map(({ content, file }) => ({ content, file: file && { name: file.filename, data: file.data } }))).toEqual([
      { content: 'The weekly report:', file: undefined },
      { content: '', file: { name: 'report.pdf', data: pdf } },
      { content: '', file: { name: 'chart.png', data: png } },
    ]);
    expect(fake.calls({ path: '/cgi-bin/media/upload' }).map((call) => call.query.type)).toEqual(['file', 'image']);
  });
});
