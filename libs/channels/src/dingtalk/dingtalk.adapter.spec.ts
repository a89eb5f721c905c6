import { ErrorCode, type WebhookRequest } from '@switchboard/core';
import { FAKE_DINGTALK_CLIENT_ID, FAKE_DINGTALK_CLIENT_SECRET, FakeDingTalk, type FakeDingTalkUser, deferred, recordingSink } from '@switchboard/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DingTalkAdapter, type DingTalkAdapterOptions } from './dingtalk.adapter';

const fake = new FakeDingTalk();
const running: DingTalkAdapter[] = [];
const LI: FakeDingTalkUser = { staffId: 'manager4220', nick: 'Li Wei' };
const GROUP = 'cidRvJ9Tcn4MZ3qLPy5kDhAEw==';

beforeAll(() => fake.start());
afterAll(() => fake.stop());
afterEach(async () => {
  await Promise.all(running.splice(0).map((adapter) => adapter.stop()));
  fake.clear();
});

function adapter(options: Partial<DingTalkAdapterOptions> = {}): DingTalkAdapter {
  const created = new DingTalkAdapter({ clientId: FAKE_DINGTALK_CLIENT_ID, clientSecret: FAKE_DINGTALK_CLIENT_SECRET, mode: 'stream', apiRoot: fake.url, oapiRoot: fake.url, ...options });
  running.push(created);
  return created;
}

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function webhookRequest(callback: { body: string; headers: Record<string, string> }): WebhookRequest {
  return { method: 'POST', accountId: 'default', headers: callback.headers, rawBody: Buffer.from(callback.body), query: {} };
}

describe('DingTalkAdapter in Stream mode', () => {
  it('is a long connection receiving a DM over the SDK, acked only once the sink resolved', async () => {
    const stored = deferred();
    const { sink, received } = recordingSink(async () => {
      await stored.promise;
      return 'accepted';
    });
    const dingtalk = adapter();
    expect(dingtalk.longConnection).toEqual({ account: 'default', kind: 'stream' });
    await dingtalk.start(sink);

    const frame = fake.push({ from: LI, text: 'hello robot' });
    await until(() => received.length === 1, 'the sink to be called');
    expect(received[0]).toMatchObject({ platform: 'dingtalk', chatId: 'manager4220', chatType: 'dm', text: 'hello robot', platformMessageId: frame.msgId });
    expect(frame.acked).toBe(false);
    stored.resolve();
    await fake.waitForAck(frame);
  });

  it('leaves a frame the sink could not store unacked, and takes its redelivery on the next connection', async () => {
    const { sink, received } = recordingSink(async (_message, call) => {
      if (call === 1) throw new Error('database unreachable');
      return 'accepted';
    });
    const dingtalk = adapter();
    const lost: unknown[] = [];
    await dingtalk.start(sink, { connectionLost: (reason) => lost.push(reason) });
    const frame = fake.push({ from: LI, text: 'store me' });
    await until(() => received.length === 1, 'the first delivery');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(frame.acked).toBe(false);

    // DingTalk drops the connection: the adapter reports it, and is started again by its runner.
    fake.dropConnections();
    await until(() => lost.length === 1, 'the lost connection to be reported');
    await dingtalk.stop();
    await dingtalk.start(sink);
    await fake.waitForAck(frame, 10_000);
    expect(received.map((message) => message.platformMessageId)).toEqual([frame.msgId, frame.msgId]);
  });

  it('maps a group @mention to the group, mentioning the bot', async () => {
    const { sink, received } = recordingSink();
    await adapter().start(sink);
    const frame = fake.push({ from: LI, group: GROUP, text: 'status?' });
    await fake.waitForAck(frame);
    expect(received[0]).toMatchObject({ chatId: GROUP, chatType: 'group', mentionsBot: true, text: 'status?' });
  });

  it('reports the connection in healthProbe, and a stop() is no lost connection', async () => {
    const dingtalk = adapter();
    const lost: unknown[] = [];
    await dingtalk.start(recordingSink().sink, { connectionLost: (reason) => lost.push(reason) });
    await expect(dingtalk.healthProbe()).resolves.toMatchObject({ clientId: FAKE_DINGTALK_CLIENT_ID, stream: 'connected' });
    const opened = fake.connectionsOpened;
    await dingtalk.stop();
    await until(() => fake.openConnections === 0, 'the connection to close');
    // The SDK's own reconnection (after 1 s) is off.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(fake.connectionsOpened).toBe(opened);
    expect(lost).toEqual([]);
  });

  it('fails to start with AUTH_FAILED when DingTalk refuses the credentials', async () => {
    await expect(adapter({ clientSecret: 'wrong' }).start(recordingSink().sink)).rejects.toMatchObject({ code: ErrorCode.AUTH_FAILED });
    await expect(adapter({ clientSecret: 'wrong' }).healthProbe()).rejects.toMatchObject({ code: ErrorCode.AUTH_FAILED });
  });
});

describe('DingTalkAdapter in webhook mode', () => {
  async function started(answer?: Parameters<typeof recordingSink>[0]) {
    const { sink, received } = recordingSink(answer);
    const dingtalk = adapter({ mode: 'webhook' });
    await dingtalk.start(sink);
    return { dingtalk, received };
  }

  it('stores a signed callback and answers 200', async () => {
    const { dingtalk, received } = await started();
    expect(dingtalk.longConnection).toBeUndefined();
    const callback = fake.callback({ from: LI, text: 'over http' });
    await expect(dingtalk.handleWebhook(webhookRequest(callback))).resolves.toMatchObject({ status: 200 });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ platformMessageId: callback.msgId, text: 'over http' });
  });

  it('refuses with 401 a callback signed with another secret, one without a sign, and one more than an hour old', async () => {
    const { dingtalk, received } = await started();
    const forged = fake.callback({ from: LI, text: 'x' }, { secret: 'not-the-secret' });
    const stale = fake.callback({ from: LI, text: 'x' }, { timestamp: Date.now() - 61 * 60_000 });
    const unsigned = fake.callback({ from: LI, text: 'x' });
    delete unsigned.headers.sign;
    for (const callback of [forged, stale, unsigned]) {
      await expect(dingtalk.handleWebhook(webhookRequest(callback))).resolves.toMatchObject({ status: 401 });
    }
    expect(received).toHaveLength(0);
  });

  it('checks the signature before reading the body', async () => {
    const { dingtalk } = await started();
    const forged = { body: 'not json', headers: { timestamp: String(Date.now()), sign: 'AAAA' } };
    await expect(dingtalk.handleWebhook(webhookRequest(forged))).resolves.toMatchObject({ status: 401 });
  });

  it('asks DingTalk to retry (503) a message the sink could not store', async () => {
    const { DomainError } = await import('@switchboard/core');
    const { dingtalk } = await started(async () => {
      throw new DomainError(ErrorCode.TEMPORARY, 'backlog full');
    });
    await expect(dingtalk.handleWebhook(webhookRequest(fake.callback({ from: LI, text: 'x' })))).resolves.toMatchObject({ status: 503 });
  });
});

describe('DingTalkAdapter sending', () => {
  async function receivedFrom(spec: Parameters<FakeDingTalk['callback']>[0], options: Partial<DingTalkAdapterOptions> = {}) {
    const { sink, received } = recordingSink();
    const dingtalk = adapter({ mode: 'webhook', ...options });
    await dingtalk.start(sink);
    await dingtalk.handleWebhook(webhookRequest(fake.callback(spec)));
    return { dingtalk, message: received[0] };
  }

  it('replies through the message\'s session webhook while it is valid', async () => {
    const { dingtalk, message } = await receivedFrom({ from: LI, text: 'hi' });
    await dingtalk.send(message, { text: 'hello Li' });
    expect(fake.messagesIn('manager4220')).toMatchObject([{ text: 'hello Li', via: 'sessionWebhook' }]);
    expect(fake.calls({ path: '/v1.0/robot/oToMessages/batchSend' })).toHaveLength(0);
  });

  it('falls back to the robot OpenAPI when the session webhook expired: oToMessages for a DM, groupMessages for a group', async () => {
    const { dingtalk, message } = await receivedFrom({ from: LI, text: 'hi', sessionWebhookExpiresAt: Date.now() + 30_000 });
    await dingtalk.send(message, { text: 'via openapi' });
    const { message: inGroup } = await receivedFrom({ from: LI, group: GROUP, text: 'hi' });
    fake.expireSessionWebhooks();
    await dingtalk.send(inGroup, { text: 'to the group' });
    expect(fake.messagesIn('manager4220')).toMatchObject([{ text: 'via openapi', via: 'openapi' }]);
    expect(fake.messagesIn(GROUP)).toMatchObject([{ text: 'to the group', via: 'openapi' }]);
    const groupSend = await fake.waitForCall({ path: '/v1.0/robot/groupMessages/send' });
    expect(groupSend.body).toMatchObject({ robotCode: FAKE_DINGTALK_CLIENT_ID, openConversationId: GROUP, msgKey: 'sampleText' });
  });

  it('sends through the OpenAPI to a chat it never received from (another replica received)', async () => {
    const dingtalk = adapter({ mode: 'webhook' });
    await dingtalk.send({ platform: 'dingtalk', accountId: 'default', chatId: 'manager4220' }, { text: 'out of the blue' });
    expect(fake.messagesIn('manager4220')).toMatchObject([{ text: 'out of the blue', via: 'openapi' }]);
  });

  it('fetches a new access token when DingTalk says the cached one expired, and sends once', async () => {
    const dingtalk = adapter({ mode: 'webhook' });
    const target = { platform: 'dingtalk', accountId: 'default', chatId: 'manager4220' };
    await dingtalk.send(target, { text: 'one' });
    fake.expireTokens();
    await dingtalk.send(target, { text: 'two' });
    expect(fake.messagesIn('manager4220').map((m) => m.text)).toEqual(['one', 'two']);
    expect(fake.calls({ path: '/v1.0/oauth2/accessToken' })).toHaveLength(2);
  });

  it('reports a rate limit as RATE_LIMITED with the wait DingTalk asked for', async () => {
    const dingtalk = adapter({ mode: 'webhook' });
    fake.failSends({ kind: 'rate_limit', retryAfterSeconds: 3 }, 1);
    const sending = dingtalk.send({ platform: 'dingtalk', accountId: 'default', chatId: 'manager4220' }, { text: 'x' });
    await expect(sending).rejects.toMatchObject({ code: ErrorCode.RATE_LIMITED, retryAfterMs: 3_000 });
  });

  it('does not fall back to the OpenAPI when the session webhook is rate limited (the reply would go twice)', async () => {
    const { dingtalk, message } = await receivedFrom({ from: LI, text: 'hi' });
    fake.failSends({ kind: 'rate_limit', retryAfterSeconds: 2 }, 1);
    await expect(dingtalk.send(message, { text: 'x' })).rejects.toMatchObject({ code: ErrorCode.RATE_LIMITED });
    expect(fake.calls({ path: '/v1.0/robot/oToMessages/batchSend' })).toHaveLength(0);
  });

  it('sends plain text and cannot edit without a card template', async () => {
    const dingtalk = adapter({ mode: 'webhook' });
    expect(dingtalk.capabilities).toMatchObject({ edit: false, maxTextLength: 5_000 });
    const sent = await dingtalk.send({ platform: 'dingtalk', accountId: 'default', chatId: 'manager4220' }, { text: 'whole' });
    await expect(dingtalk.edit({ platform: 'dingtalk', accountId: 'default', chatId: 'manager4220' }, sent.platformMessageId, 'x')).rejects.toMatchObject({
      code: ErrorCode.INVALID_INPUT,
    });
  });

  it('streams into an AI card when a template is configured: createAndDeliver, then PUT /v1.0/card/streaming', async () => {
    const dingtalk = adapter({ mode: 'webhook', cardTemplateId: 'tpl-123.schema' });
    expect(dingtalk.capabilities.edit).toBe(true);
    const target = { platform: 'dingtalk', accountId: 'default', chatId: GROUP };
    const sent = await dingtalk.send(target, { text: 'Thinking' });
    await dingtalk.edit(target, sent.platformMessageId, 'Thinking about it');
    await dingtalk.edit(target, sent.platformMessageId, 'The answer is 42.');
    expect(fake.messagesIn(GROUP)).toMatchObject([{ via: 'card', text: 'The answer is 42.', updates: 2 }]);
    const created = await fake.waitForCall({ path: '/v1.0/card/instances/createAndDeliver' });
    expect(created.body).toMatchObject({ cardTemplateId: 'tpl-123.schema', openSpaceId: `dtv1.card//IM_GROUP.${GROUP}`, imGroupOpenDeliverModel: { robotCode: FAKE_DINGTALK_CLIENT_ID } });
  });

  it('sends files uploaded to media/upload: the text first, then a file message to a user and an image message to a group', async () => {
    const dingtalk = adapter({ mode: 'webhook' });
    const pdf = Buffer.from('%PDF-1.4 weekly report');
    const png = Buffer.from('89504e470d0a1a0a', 'hex');

    await dingtalk.send({ platform: 'dingtalk', accountId: 'default', chatId: 'manager4220' }, {
      text: 'The weekly report:',
      attachments: [{ kind: 'file', fileName: 'report.pdf', mimeType: 'application/pdf', data: pdf, caption: 'for week 12' }],
    });
    await dingtalk.send({ platform: 'dingtalk', accountId: 'default', chatId: GROUP }, { text: '', attachments: [{ kind: 'image', fileName: 'chart.PNG', mimeType: 'image/png', data: png }] });

    expect(fake.messagesIn('manager4220').map(({ text, file }) => ({ text, file }))).toEqual([
      { text: 'The weekly report:', file: undefined },
      { text: '', file: { fileName: 'report.pdf', data: pdf } },
      { text: 'for week 12', file: undefined },
    ]);
    expect(fake.messagesIn(GROUP).map(({ text, file }) => ({ text, file }))).toEqual([{ text: '', file: { fileName: 'chart.PNG', data: png } }]);
    expect(fake.calls({ path: '/media/upload' }).map((call) => call.query.type)).toEqual(['file', 'image']);
    const [fileMessage, imageMessage] = fake.calls((call) => call.route === '/v1.0/robot/oToMessages/batchSend' || call.route === '/v1.0/robot/groupMessages/send').filter((call) => call.body.msgKey !== 'sampleText');
    expect(fileMessage.body).toMatchObject({ msgKey: 'sampleFile', userIds: ['manager4220'] });
    expect(JSON.parse(String(fileMessage.body.msgParam))).toMatchObject({ fileName: 'report.pdf', fileType: 'pdf' });
    expect(imageMessage.body).toMatchObject({ msgKey: 'sampleImageMsg', openConversationId: GROUP });
  });

  it('refuses a file in a format DingTalk does not take before sending anything', async () => {
    const dingtalk = adapter({ mode: 'webhook' });
    const sending = dingtalk.send({ platform: 'dingtalk', accountId: 'default', chatId: 'manager4220' }, {
      text: 'Notes:',
      attachments: [{ kind: 'file', fileName: 'notes.txt', mimeType: 'text/plain', data: Buffer.from('notes') }],
    });

    await expect(sending).rejects.toMatchObject({ code: ErrorCode.INVALID_INPUT, message: expect.stringContaining('notes.txt') });
    expect(fake.messagesIn('manager4220')).toEqual([]);
    expect(fake.calls({ path: '/media/upload' })).toEqual([]);
  });

  it('uploads again with a new access token when DingTalk says the cached one expired', async () => {
    const dingtalk = adapter({ mode: 'webhook' });
    const target = { platform: 'dingtalk', accountId: 'default', chatId: 'manager4220' };
    await dingtalk.send(target, { text: 'first' });
    fake.expireTokens();

    await dingtalk.send(target, { text: '', attachments: [{ kind: 'file', fileName: 'report.pdf', data: Buffer.from('%PDF') }] });

    expect(fake.messagesIn('manager4220').map((message) => message.file?.fileName ?? message.text)).toEqual(['first', 'report.pdf']);
    expect(fake.calls({ path: '/media/upload' })).toHaveLength(2);
  });

  it('downloads a picture by its download code, refusing one over the size limit', async () => {
    fake.addFile('code-1', Buffer.from('png bytes'));
    const dingtalk = adapter({ mode: 'webhook', maxDownloadBytes: 5 });
    await expect(dingtalk.downloadAttachment({ kind: 'image', platformFileId: 'code-1' })).rejects.toMatchObject({ code: ErrorCode.INVALID_INPUT });
    const roomy = adapter({ mode: 'webhook' });
    await expect(roomy.downloadAttachment({ kind: 'image', platformFileId: 'code-1' })).resolves.toEqual(Buffer.from('png bytes'));
  });
});
