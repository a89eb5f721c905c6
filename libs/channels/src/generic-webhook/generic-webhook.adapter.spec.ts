import { Logger } from '@nestjs/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode, type InboundMessage, type InboundSink, type WebhookRequest } from '@switchboard/core';
import { FakeGenericWebhookServer, type FakeGenericDelivery } from '@switchboard/testing';
import { GenericWebhookAdapter } from './generic-webhook.adapter';

const CHAT = { platform: 'generic', accountId: 'default', chatId: 'conv-1' };
const MESSAGE = { chat: { id: 'conv-1' }, sender: { id: 'user-1', name: 'Ada' }, text: 'Hello?' };

function posted(delivery: FakeGenericDelivery): WebhookRequest {
  return { method: 'POST', accountId: 'default', headers: delivery.headers, query: {}, rawBody: Buffer.from(delivery.body) };
}

describe('GenericWebhookAdapter', () => {
  const system = new FakeGenericWebhookServer();
  let adapter: GenericWebhookAdapter;
  let received: InboundMessage[];

  beforeAll(async () => {
    Logger.overrideLogger(false);
    await system.start();
  });
  afterAll(() => system.stop());
  beforeEach(() => {
    system.clear();
    received = [];
  });

  async function started(sink: InboundSink = async (message) => (received.push(message), 'accepted'), syncTimeoutMs = 5_000): Promise<GenericWebhookAdapter> {
    adapter = new GenericWebhookAdapter({ secret: system.secret, callbackUrl: system.callbackUrl, syncTimeoutMs });
    await adapter.start(sink);
    return adapter;
  }

  it('takes a signed message and answers with the pipeline\'s outcome', async () => {
    await started();
    const answer = await adapter.handleWebhook(posted(system.request({ ...MESSAGE, id: 'm-1' })));

    expect(answer).toEqual({ status: 200, body: { status: 'accepted', id: 'm-1' } });
    expect(received).toMatchObject([{ platform: 'generic', chatId: 'conv-1', chatType: 'dm', platformMessageId: 'm-1', sender: { id: 'user-1', displayName: 'Ada' }, text: 'Hello?', mentionsBot: true }]);
  });

  it('refuses a wrong secret, a timestamp over five minutes old and missing headers with 401, storing nothing', async () => {
    await started();
    const forged = system.request(MESSAGE, { secret: `whsec_${Buffer.from('another-secret-entirely').toString('base64')}` });
    const stale = system.request(MESSAGE, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });

    expect((await adapter.handleWebhook(posted(forged))).status).toBe(401);
    expect((await adapter.handleWebhook(posted(stale))).status).toBe(401);
    expect((await adapter.handleWebhook({ ...posted(system.request(MESSAGE)), headers: {} })).status).toBe(401);
    expect(received).toEqual([]);
  });

  it('answers 400 naming the field of a malformed message', async () => {
    await started();
    const answer = await adapter.handleWebhook(posted(system.request({ ...MESSAGE, sender: { id: '' } })));

    expect(answer).toEqual({ status: 400, body: { error: 'sender.id: expected sender.id' } });
    expect(received).toEqual([]);
  });

  it('posts a reply to the callback URL, signed, with the same webhook-id when the same reply is sent again', async () => {
    await started();
    const first = await adapter.send(CHAT, { text: 'Hi Ada', replyToMessageId: 'm-1' });
    const again = await adapter.send(CHAT, { text: 'Hi Ada', replyToMessageId: 'm-1' });
    const other = await adapter.send(CHAT, { text: 'Hi Ada', replyToMessageId: 'm-2' });

    expect(again.platformMessageId).toBe(first.platformMessageId);
    expect(other.platformMessageId).not.toBe(first.platformMessageId);
    expect(system.repliesTo('conv-1')).toEqual([
      { id: first.platformMessageId, chatId: 'conv-1', replyTo: 'm-1', text: 'Hi Ada' },
      { id: other.platformMessageId, chatId: 'conv-1', replyTo: 'm-2', text: 'Hi Ada' },
    ]);
    expect(system.forgedCallbackCount).toBe(0);
  });

  it('maps the callback\'s 429 to RATE_LIMITED with its Retry-After, and a 5xx to TEMPORARY', async () => {
    await started();
    system.failCallbacksNext({ status: 429, headers: { 'retry-after': '3' } }).failCallbacksNext({ status: 503 });

    await expect(adapter.send(CHAT, { text: 'a' })).rejects.toMatchObject({ code: ErrorCode.RATE_LIMITED, retryAfterMs: 3_000 });
    await expect(adapter.send(CHAT, { text: 'b' })).rejects.toMatchObject({ code: ErrorCode.TEMPORARY });
  });

  it('answers a sync request with the reply itself, and posts nothing to the callback', async () => {
    // The worker answers the stored message a little later, as the queue would.
    await started(async (message) => {
      setTimeout(() => void adapter.send(CHAT, { text: `echo: ${message.text}`, replyToMessageId: message.platformMessageId }), 20);
      return 'accepted';
    });
    const answer = await adapter.handleWebhook(posted(system.request({ ...MESSAGE, id: 'm-sync', reply: 'sync' })));

    expect(answer).toMatchObject({ status: 200, body: { status: 'accepted', id: 'm-sync', reply: { text: 'echo: Hello?', id: expect.stringMatching(/^msg_/) } } });
    expect(system.calls({ path: '/callback' })).toEqual([]);
  });

  it('answers 202 when the sync reply takes too long, and the reply then goes to the callback', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      await started(async () => 'accepted', 1_000);
      const answering = adapter.handleWebhook(posted(system.request({ ...MESSAGE, id: 'm-slow', reply: 'sync' })));
      await vi.advanceTimersByTimeAsync(1_000);

      expect(await answering).toEqual({ status: 202, body: { status: 'accepted', id: 'm-slow', reply: 'callback' } });
    } finally {
      vi.useRealTimers();
    }
    await adapter.send(CHAT, { text: 'late answer', replyToMessageId: 'm-slow' });
    expect(system.repliesTo('conv-1').map((reply) => reply.text)).toEqual(['late answer']);
  });

  it('fetches an attachment from its URL, refusing one over the size limit', async () => {
    adapter = new GenericWebhookAdapter({ secret: system.secret, callbackUrl: system.callbackUrl, syncTimeoutMs: 1_000, maxDownloadBytes: 10 });
    const small = system.addFile(Buffer.from('tiny'), 'text/plain');
    const large = system.addFile(Buffer.alloc(100), 'application/pdf');

    expect((await adapter.downloadAttachment({ kind: 'file', platformFileId: small })).toString()).toBe('tiny');
    await expect(adapter.downloadAttachment({ kind: 'file', platformFileId: large })).rejects.toMatchObject({ code: ErrorCode.INVALID_INPUT });
  });
});
