import { randomUUID } from 'node:crypto';
import { DomainError, ErrorCode, type WebhookRequest } from '@switchboard/core';
import {
  FAKE_FEISHU_APP_ID,
  FAKE_FEISHU_APP_SECRET,
  FAKE_FEISHU_BOT,
  FakeFeishuServer,
  feishuUrlVerification,
  feishuWebhookDelivery,
  type FeishuChatRef,
  deferred,
  recordingSink,
} from '@switchboard/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FeishuAdapter, type FeishuAdapterOptions } from './feishu.adapter';

const TOKEN = 'verification-token-for-tests';
const ENCRYPT_KEY = 'encrypt-key-for-tests';
const ALICE = { openId: 'ou_alice000000000000000000000000001', name: 'Alice' };
const fake = new FakeFeishuServer();
const running: FeishuAdapter[] = [];

beforeAll(() => fake.start());
afterAll(() => fake.stop());
afterEach(async () => {
  await Promise.all(running.splice(0).map((adapter) => adapter.stop()));
  fake.clear();
});

function adapter(options: Partial<FeishuAdapterOptions> = {}): FeishuAdapter {
  const created = new FeishuAdapter({
    appId: FAKE_FEISHU_APP_ID,
    appSecret: FAKE_FEISHU_APP_SECRET,
    mode: 'webhook',
    domain: fake.url,
    verificationToken: TOKEN,
    encryptKey: ENCRYPT_KEY,
    ...options,
  });
  running.push(created);
  return created;
}

function dm(): FeishuChatRef {
  return { chatId: `oc_${randomUUID().replace(/-/g, '')}`, type: 'p2p' };
}

function textEvent(text: string, chat: FeishuChatRef = dm(), mention: { openId: string; name: string }[] = []) {
  return fake.build.text({ from: ALICE, chat, text, mention, appId: FAKE_FEISHU_APP_ID, token: TOKEN });
}

function request(delivery: { body: string; headers: Record<string, string> }): WebhookRequest {
  return { method: 'POST', accountId: 'default', headers: delivery.headers, rawBody: Buffer.from(delivery.body), query: {} };
}

describe('FeishuAdapter webhook', () => {
  it('answers the URL check with its challenge, decrypted, when the token matches', async () => {
    const feishu = adapter();
    await feishu.start(recordingSink().sink);
    const check = feishuUrlVerification(TOKEN, 'challenge-123');
    const response = await feishu.handleWebhook(request(feishuWebhookDelivery(check, { encryptKey: ENCRYPT_KEY })));
    expect(response).toEqual({ status: 200, body: { challenge: 'challenge-123' } });

    const forged = await feishu.handleWebhook(request(feishuWebhookDelivery(feishuUrlVerification('wrong-token'), { encryptKey: ENCRYPT_KEY })));
    expect(forged.status).toBe(401);
  });

  it('stores a signed, encrypted DM and acks it only after the sink resolved', async () => {
    const release = deferred();
    const { sink, received } = recordingSink(async () => {
      await release.promise;
      return 'accepted';
    });
    const feishu = adapter();
    await feishu.start(sink);
    const envelope = textEvent('What is the capital of France?');
    let answered = false;
    const answer = feishu.handleWebhook(request(feishuWebhookDelivery(envelope, { encryptKey: ENCRYPT_KEY }))).finally(() => (answered = true));
    await expect.poll(() => received.length).toBe(1);
    expect(answered).toBe(false);
    release.resolve();
    expect((await answer).status).toBe(200);
    expect(received[0]).toMatchObject({
      platform: 'feishu',
      chatType: 'dm',
      text: 'What is the capital of France?',
      sender: { id: ALICE.openId },
      platformMessageId: envelope.event.message.message_id,
      mentionsBot: true,
    });
  });

  it('refuses a wrong X-Lark-Signature with 401 and stores nothing', async () => {
    const { sink, received } = recordingSink();
    const feishu = adapter();
    await feishu.start(sink);
    const response = await feishu.handleWebhook(request(feishuWebhookDelivery(textEvent('hi'), { encryptKey: ENCRYPT_KEY, signWith: 'not-the-key' })));
    expect(response.status).toBe(401);
    expect(received).toHaveLength(0);
  });

  it('refuses an unsigned event and one carrying another verification token', async () => {
    const { sink, received } = recordingSink();
    const feishu = adapter();
    await feishu.start(sink);
    const unsigned = feishuWebhookDelivery(textEvent('hi'), { encryptKey: ENCRYPT_KEY });
    delete unsigned.headers['x-lark-signature'];
    expect((await feishu.handleWebhook(request(unsigned))).status).toBe(401);

    const plain = adapter({ encryptKey: undefined });
    await plain.start(sink);
    const other = fake.build.text({ from: ALICE, chat: dm(), text: 'hi', appId: FAKE_FEISHU_APP_ID, token: 'someone-else' });
    expect((await plain.handleWebhook(request(feishuWebhookDelivery(other)))).status).toBe(401);
    expect((await plain.handleWebhook(request(feishuWebhookDelivery(textEvent('hi'))))).status).toBe(200);
    expect(received).toHaveLength(1);
  });

  it('asks Feishu to redeliver (503) when the sink cannot store the message for now', async () => {
    const { sink } = recordingSink(() => Promise.reject(new DomainError(ErrorCode.TEMPORARY, 'database away')));
    const feishu = adapter();
    await feishu.start(sink);
    const response = await feishu.handleWebhook(request(feishuWebhookDelivery(textEvent('hi'), { encryptKey: ENCRYPT_KEY })));
    expect(response.status).toBe(503);
  });
});

describe('FeishuAdapter long connection', () => {
  it('receives a group mention over the long connection and acks it with code 200', async () => {
    const { sink, received } = recordingSink();
    const feishu = adapter({ mode: 'websocket' });
    await feishu.start(sink);
    const group: FeishuChatRef = { chatId: 'oc_group0000000000000000000000001', type: 'group' };
    const push = fake.push(textEvent('summarise please', group, [{ openId: FAKE_FEISHU_BOT.open_id, name: 'Switchboard' }]));
    expect(await push.answer).toBe(200);
    expect(received[0]).toMatchObject({ chatType: 'group', mentionsBot: true, text: '@Switchboard summarise please' });
    expect(await feishu.healthProbe()).toMatchObject({ connection: 'connected', bot: FAKE_FEISHU_BOT.app_name });
  });

  it('takes a group reply to one of the bot\'s messages as addressed to it, and a reply to someone else as not', async () => {
    const { sink, received } = recordingSink();
    const feishu = adapter({ mode: 'websocket' });
    await feishu.start(sink);
    const chatId = 'oc_group0000000000000000000000003';
    const mine = await feishu.send({ platform: 'feishu', accountId: 'default', chatId }, { text: 'an answer' });
    const someones = textEvent('a remark', { chatId, type: 'group' });
    await fake.push(textEvent('thanks!', { chatId, type: 'group', replyTo: mine.platformMessageId })).acked;
    await fake.push(textEvent('me too', { chatId, type: 'group', replyTo: String(someones.event.message.message_id) })).acked;
    expect(received.map((message) => [message.text, message.repliesToBot])).toEqual([
      ['thanks!', true],
      ['me too', false],
    ]);
  });

  it('answers 500 when the sink fails, and gets the event again after the connection drops', async () => {
    const { sink, received } = recordingSink(async (_message, call) => {
      if (call === 1) throw new DomainError(ErrorCode.TEMPORARY, 'database away');
      return 'accepted';
    });
    const feishu = adapter({ mode: 'websocket' });
    await feishu.start(sink);
    const opened = fake.connectionsOpened;
    const push = fake.push(textEvent('hello?'));
    expect(await push.answer).toBe(500);
    fake.dropConnections();
    await expect.poll(() => fake.connectionsOpened, { timeout: 10_000 }).toBeGreaterThan(opened);
    await expect.poll(() => received.length, { timeout: 10_000 }).toBe(2);
    expect(received[1].platformMessageId).toBe(received[0].platformMessageId);
  });

  it('fails a start whose connection does not come up in time, so its runner retries with backoff', async () => {
    fake.refuseConnections(true);
    try {
      const feishu = adapter({ mode: 'websocket', connectTimeoutMs: 500 });
      await expect(feishu.start(recordingSink().sink, { connectionLost: () => undefined })).rejects.toMatchObject({ code: ErrorCode.TEMPORARY });
      expect(fake.connectionsOpen).toBe(0);
    } finally {
      fake.refuseConnections(false);
    }
  });

  it('reports a dropped connection to its runner instead of reconnecting on its own', async () => {
    const lost: unknown[] = [];
    const feishu = adapter({ mode: 'websocket' });
    await feishu.start(recordingSink().sink, { connectionLost: (reason) => lost.push(reason) });
    const opened = fake.connectionsOpened;
    fake.dropConnections();
    await expect.poll(() => lost.length).toBe(1);
    expect(lost[0]).toMatchObject({ code: ErrorCode.TEMPORARY });
    // What the SDK would have opened at once (the fake hands out no reconnect delay) is not opened.
    await feishu.stop();
    expect(fake.connectionsOpened).toBe(opened);
    expect(fake.connectionsOpen).toBe(0);
  });

  it('stops only once the event being stored is stored', async () => {
    const release = deferred();
    const order: string[] = [];
    const { sink, received } = recordingSink(async () => {
      await release.promise;
      order.push('stored');
      return 'accepted';
    });
    const feishu = adapter({ mode: 'websocket' });
    await feishu.start(sink);
    fake.push(textEvent('store me'));
    await expect.poll(() => received.length).toBe(1);
    const stopping = feishu.stop().then(() => order.push('stopped'));
    // One turn of the event loop: a stop() that did not wait would have resolved by now.
    await new Promise((resolve) => setImmediate(resolve));
    release.resolve();
    await stopping;
    expect(order).toEqual(['stored', 'stopped']);
  });

  it('does not start with a wrong App Secret (AUTH_FAILED)', async () => {
    const feishu = adapter({ mode: 'websocket', appSecret: 'wrong' });
    await expect(feishu.start(recordingSink().sink)).rejects.toMatchObject({ code: ErrorCode.AUTH_FAILED });
  });
});

describe('FeishuAdapter sending', () => {
  const target = (chatId: string, threadId?: string) => ({ platform: 'feishu', accountId: 'default', chatId, threadId });

  it('quotes the message it answers, in its thread when it came from one', async () => {
    const feishu = adapter();
    const group: FeishuChatRef = { chatId: 'oc_group0000000000000000000000002', type: 'group', threadRoot: 'om_root00000000000000000000000000001' };
    const inThread = textEvent('in a thread', group);
    const sent = await feishu.send(target(group.chatId, group.threadRoot), { text: 'answer', replyToMessageId: String(inThread.event.message.message_id) });
    const reply = await fake.waitForCall({ method: 'POST', route: '/open-apis/im/v1/messages/:id/reply' });
    expect(reply.body).toMatchObject({ msg_type: 'text', reply_in_thread: true });
    expect(fake.messagesIn(group.chatId).map((m) => m.messageId)).toEqual([sent.platformMessageId]);
  });

  it('edits a message twenty times, then sends the final text anew and recalls the draft', async () => {
    const feishu = adapter();
    const chat = dm();
    const { platformMessageId } = await feishu.send(target(chat.chatId), { text: 'draft' });
    for (let edit = 1; edit <= 20; edit++) await feishu.edit(target(chat.chatId), platformMessageId, `draft ${edit}`);
    await feishu.edit(target(chat.chatId), platformMessageId, 'final text');
    const shown = fake.messagesIn(chat.chatId);
    expect(shown.map((m) => m.text)).toEqual(['final text']);
    expect(fake.allMessages().find((m) => m.messageId === platformMessageId)).toMatchObject({ edits: 20, recalled: true });
    await feishu.edit(target(chat.chatId), platformMessageId, 'final text, edited');
    expect(fake.messagesIn(chat.chatId).map((m) => m.text)).toEqual(['final text, edited']);
  });

  it('uploads images and files it sends, each as a message of its own after the text', async () => {
    const feishu = adapter();
    const chat = dm();
    const png = Buffer.from('89504e470d0a1a0a', 'hex');
    await feishu.send(target(chat.chatId), {
      text: 'Here you go',
      attachments: [
        { kind: 'image', fileName: 'chart.png', data: png },
        { kind: 'file', fileName: 'report.pdf', data: Buffer.from('%PDF-1.4'), caption: 'The report' },
      ],
    });
    expect(fake.messagesIn(chat.chatId).map((m) => [m.msgType, m.fileName ?? m.text, m.data?.length])).toEqual([
      ['text', 'Here you go', undefined],
      ['image', expect.stringMatching(/^img_v2_/), png.length],
      ['file', 'report.pdf', 8],
      ['text', 'The report', undefined],
    ]);
  });

  it('maps a rate-limit answer to RATE_LIMITED with the reset header as the wait', async () => {
    const feishu = adapter();
    fake.failNext('POST', '/open-apis/im/v1/messages', {
      status: 429,
      headers: { 'x-ogw-ratelimit-reset': '3' },
      body: { code: 99991400, msg: 'request trigger frequency limit' },
    });
    const error = await feishu.send(target(dm().chatId), { text: 'hi' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: ErrorCode.RATE_LIMITED, retryAfterMs: 3_000 });
  });

  it('fetches a new tenant_access_token when Feishu refuses the cached one', async () => {
    const feishu = adapter();
    const chat = dm();
    await feishu.send(target(chat.chatId), { text: 'one' });
    fake.invalidateTokens();
    await feishu.send(target(chat.chatId), { text: 'two' });
    expect(fake.messagesIn(chat.chatId).map((m) => m.text)).toEqual(['one', 'two']);
  });

  it('downloads the file of an inbound message and refuses one over the limit', async () => {
    const feishu = adapter({ maxDownloadBytes: 1_000 });
    const { sink, received } = recordingSink();
    await feishu.start(sink);
    const chat = dm();
    const small = fake.build.file({ from: ALICE, chat, kind: 'file', fileName: 'a.txt', data: Buffer.from('hello'), appId: FAKE_FEISHU_APP_ID, token: TOKEN });
    const large = fake.build.file({ from: ALICE, chat, kind: 'image', fileName: 'b.png', data: Buffer.alloc(5_000), appId: FAKE_FEISHU_APP_ID, token: TOKEN });
    for (const envelope of [small, large]) await feishu.handleWebhook(request(feishuWebhookDelivery(envelope, { encryptKey: ENCRYPT_KEY })));
    expect((await feishu.downloadAttachment(received[0].attachments[0])).toString()).toBe('hello');
    await expect(feishu.downloadAttachment(received[1].attachments[0])).rejects.toMatchObject({ code: ErrorCode.INVALID_INPUT });
  });

  it('reports a wrong App Secret from the health probe as AUTH_FAILED', async () => {
    await expect(adapter({ appSecret: 'wrong' }).healthProbe()).rejects.toMatchObject({ code: ErrorCode.AUTH_FAILED });
  });

  it('streams into a CardKit card when configured: updates with rising sequence numbers, streaming mode closed once they stop', async () => {
    const feishu = adapter({ streaming: 'cardkit' });
    const chat = dm();
    const { platformMessageId } = await feishu.send(target(chat.chatId), { text: 'Par' });
    for (const text of ['Paris is', 'Paris is the capital', 'Paris is the capital of France.']) await feishu.edit(target(chat.chatId), platformMessageId, text);
    const [message] = fake.messagesIn(chat.chatId);
    expect(message).toMatchObject({ msgType: 'interactive', text: 'Paris is the capital of France.', edits: 3 });
    expect(feishu.capabilities.maxEditsPerMessage).toBeUndefined();
    await expect.poll(() => fake.cardStreaming(message.cardId!), { timeout: 10_000 }).toBe(false);

    // A late edit (a retried delivery) opens streaming mode again.
    await feishu.edit(target(chat.chatId), platformMessageId, 'Paris is the capital of France!');
    expect(fake.messagesIn(chat.chatId).map((m) => m.text)).toEqual(['Paris is the capital of France!']);
  });

  it('replaces a card this process does not know (sent before a restart) with a new one', async () => {
    const chat = dm();
    const { platformMessageId } = await adapter({ streaming: 'cardkit' }).send(target(chat.chatId), { text: 'draft' });
    await adapter({ streaming: 'cardkit' }).edit(target(chat.chatId), platformMessageId, 'final');
    expect(fake.messagesIn(chat.chatId).map((m) => [m.msgType, m.text])).toEqual([['interactive', 'final']]);
  });
});

