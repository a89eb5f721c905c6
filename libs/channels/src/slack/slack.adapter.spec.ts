import { DomainError, ErrorCode, type ChatRef, type ChatSessionDirectory, type ChatTarget, type WebhookRequest } from '@switchboard/core';
import {
  FAKE_SLACK_APP_TOKEN,
  FAKE_SLACK_BOT,
  FAKE_SLACK_BOT_TOKEN,
  FAKE_SLACK_SIGNING_SECRET,
  FakeSlackServer,
  deferred,
  recordingSink,
  signedSlackRequest,
} from '@switchboard/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SlackAdapter, type SlackAdapterOptions } from './slack.adapter';

const ALICE = 'U0ALICE001';
const DM = 'D0ALICE001';
const fake = new FakeSlackServer();
const running: SlackAdapter[] = [];

beforeAll(() => fake.start());
afterAll(() => fake.stop());
afterEach(async () => {
  await Promise.all(running.splice(0).map((adapter) => adapter.stop()));
  fake.clear();
});

function adapter(options: Partial<SlackAdapterOptions> = {}): SlackAdapter {
  const created = new SlackAdapter({
    botToken: FAKE_SLACK_BOT_TOKEN,
    mode: 'http',
    signingSecret: FAKE_SLACK_SIGNING_SECRET,
    appToken: FAKE_SLACK_APP_TOKEN,
    apiUrl: fake.apiUrl,
    ...options,
  });
  running.push(created);
  return created;
}

function dmText(text: string) {
  return fake.build.message({ user: ALICE, channel: DM, channelType: 'im', text });
}

function post(body: unknown, options: Parameters<typeof signedSlackRequest>[2] = {}, secret = FAKE_SLACK_SIGNING_SECRET): WebhookRequest {
  const signed = signedSlackRequest(JSON.stringify(body), secret, options);
  return { method: 'POST', accountId: 'default', headers: signed.headers, rawBody: Buffer.from(signed.body), query: {} };
}

const target: ChatTarget = { platform: 'slack', accountId: 'default', chatId: DM };

/** Alice's DM holds one busy conversation; every other chat none. */
function sessionsOfAlice(): ChatSessionDirectory & { asked: ChatRef[] } {
  const asked: ChatRef[] = [];
  return {
    asked,
    sessionsOf: async (chat) => {
      asked.push(chat);
      return chat.chatId === DM ? [{ title: 'Trip plans', model: 'openai:gpt-4o', messageCount: 12, lastActivityAt: new Date('2030-01-01T10:00:00Z'), busy: true }] : [];
    },
  };
}

describe('SlackAdapter over HTTP (Events API)', () => {
  it('stores a signed direct message before answering 200, and refuses a forged or stale one with 401, storing nothing', async () => {
    const slack = adapter();
    const held = deferred();
    const { sink, received } = recordingSink(async () => {
      await held.promise;
      return 'accepted';
    });
    await slack.start(sink);

    let answered = false;
    const answer = slack.handleWebhook(post(dmText('hello'))).then((response) => ((answered = true), response));
    await expect.poll(() => received.length).toBe(1);
    expect(answered).toBe(false);
    held.resolve();
    expect((await answer).status).toBe(200);
    expect(received[0]).toMatchObject({ platform: 'slack', chatId: DM, chatType: 'dm', sender: { id: ALICE }, text: 'hello', mentionsBot: true });

    expect((await slack.handleWebhook(post(dmText('forged'), {}, 'f'.repeat(32)))).status).toBe(401);
    expect((await slack.handleWebhook(post(dmText('stale'), { timestampS: Math.floor(Date.now() / 1000) - 600 }))).status).toBe(401);
    expect(received).toHaveLength(1);
  });

  it('maps a retry (X-Slack-Retry-Num) to the same message, for the pipeline to keep one', async () => {
    const slack = adapter();
    const { sink, received } = recordingSink();
    await slack.start(sink);
    const event = dmText('once');

    await slack.handleWebhook(post(event));
    await slack.handleWebhook(post(event, { retryNum: 1 }));

    expect(received.map((message) => message.platformMessageId)).toEqual([received[0].platformMessageId, received[0].platformMessageId]);
  });

  it('answers 503 when the message could not be stored for now, so that Slack retries', async () => {
    const slack = adapter();
    await slack.start(recordingSink(() => Promise.reject(new DomainError(ErrorCode.TEMPORARY, 'database away'))).sink);
    expect((await slack.handleWebhook(post(dmText('later')))).status).toBe(503);
  });

  it('echoes the url_verification challenge', async () => {
    const slack = adapter();
    await slack.start(recordingSink().sink);
    const response = await slack.handleWebhook(post({ token: 't', challenge: 'abc123', type: 'url_verification' }));
    expect(response).toEqual({ status: 200, body: { challenge: 'abc123' } });
  });
  it('stores a slash command as the chat command it stands for, with an empty 200 (the answer comes as a message)', async () => {
    const slack = adapter();
    const { sink, received } = recordingSink(async () => 'accepted');
    await slack.start(sink);
    const form = new URLSearchParams({ command: '/switchboard', text: 'model openai:gpt-4o', user_id: ALICE, channel_id: DM, channel_name: 'directmessage', trigger_id: '123.456.abc' });
    const signed = signedSlackRequest(form.toString(), FAKE_SLACK_SIGNING_SECRET, { contentType: 'application/x-www-form-urlencoded' });

    const answer = await slack.handleWebhook({ method: 'POST', accountId: 'default', headers: signed.headers, rawBody: Buffer.from(signed.body), query: {} });

    expect(answer).toEqual({ status: 200 });
    expect(received).toEqual([
      expect.objectContaining({ chatId: DM, chatType: 'dm', sender: { id: ALICE }, text: '/model openai:gpt-4o', mentionsBot: true, platformMessageId: `${DM}:command:123.456.abc` }),
    ]);
  });
});

describe('SlackAdapter App Home', () => {
  it('answers app_home_opened at once and publishes the Home tab with the sessions of the user\'s DM', async () => {
    const slack = adapter();
    const sessions = sessionsOfAlice();
    await slack.start(recordingSink().sink, undefined, sessions);

    expect(await slack.handleWebhook(post(fake.build.appHomeOpened({ user: ALICE, channel: DM })))).toEqual({ status: 200 });
    await expect.poll(() => fake.homeOf(ALICE)).toBeDefined();

    expect(sessions.asked).toEqual([{ platform: 'slack', accountId: 'default', chatId: DM }]);
    const home = fake.homeOf(ALICE)!.text;
    for (const shown of ['*Trip plans*', 'openai:gpt-4o', '*Messages*\n12', 'busy', '<!date^1893492000^']) expect(home).toContain(shown);
  });

  it('publishes it over Socket Mode too, and leaves the Messages tab alone', async () => {
    const slack = adapter({ mode: 'socket' });
    await slack.start(recordingSink().sink, undefined, sessionsOfAlice());

    await fake.push(fake.build.appHomeOpened({ user: ALICE, channel: DM, tab: 'messages' })).acked;
    await fake.push(fake.build.appHomeOpened({ user: 'U0BOB00001', channel: 'D0BOB00001' })).acked;
    await expect.poll(() => fake.homeOf('U0BOB00001')).toBeDefined();

    expect(fake.homeOf('U0BOB00001')!.text).toContain('None yet');
    expect(fake.homeOf(ALICE)).toBeUndefined();
  });
});

describe('SlackAdapter over Socket Mode', () => {
  it('acks a slash command envelope once the command is stored', async () => {
    const slack = adapter({ mode: 'socket' });
    const { sink, received } = recordingSink(async () => 'accepted');
    await slack.start(sink);

    const push = fake.pushSlashCommand({ command: '/new', text: '', user_id: ALICE, channel_id: DM, channel_name: 'directmessage', trigger_id: '789.012.def' });
    await push.acked;

    expect(received).toEqual([expect.objectContaining({ chatId: DM, text: '/new', sender: { id: ALICE } })]);
  });

  it('acks an envelope by its envelope_id only after the sink stored the message', async () => {
    const slack = adapter({ mode: 'socket' });
    const held = deferred();
    const { sink, received } = recordingSink(async () => {
      await held.promise;
      return 'accepted';
    });
    await slack.start(sink);
    let acked = false;

    const push = fake.push(dmText('over the socket'));
    void push.acked.then(() => (acked = true));
    await expect.poll(() => received.length).toBe(1);
    expect(acked).toBe(false);
    held.resolve();
    await push.acked;
    expect(received[0]).toMatchObject({ text: 'over the socket', chatType: 'dm' });
  });

  it('leaves an envelope it could not store unacked, and gets it again on the next connection', async () => {
    let fail = true;
    const { sink, received } = recordingSink(async () => {
      if (fail) throw new DomainError(ErrorCode.TEMPORARY, 'database away');
      return 'accepted';
    });
    const first = adapter({ mode: 'socket' });
    await first.start(sink);
    const push = fake.push(dmText('try again'));
    await expect.poll(() => received.length).toBe(1);
    await first.stop();

    fail = false;
    await adapter({ mode: 'socket' }).start(sink);
    await push.acked;
    expect(received.map((message) => message.text)).toEqual(['try again', 'try again']);
  });

  it('reports a connection the platform dropped as lost, for the runner to open a new one', async () => {
    const slack = adapter({ mode: 'socket' });
    const lost = deferred();
    await slack.start(recordingSink().sink, { connectionLost: () => lost.resolve() });
    expect(await slack.healthProbe()).toMatchObject({ bot: FAKE_SLACK_BOT.name, connection: 'connected' });

    fake.dropConnections();
    await lost.promise;
    await expect(slack.healthProbe()).rejects.toThrow(/Socket Mode connection closed/);
  });

  it('fails to start with AUTH_FAILED when the app-level token is refused', async () => {
    const slack = adapter({ mode: 'socket', appToken: 'xapp-1-A0FAKEAPP01-0000000000-wrongtoken' });
    await expect(slack.start(recordingSink().sink)).rejects.toMatchObject({ code: ErrorCode.AUTH_FAILED });
  });
});

describe('SlackAdapter sending', () => {
  it('posts into the thread of the target, escapes markup, and edits the message in place', async () => {
    const slack = adapter();
    const sent = await slack.send({ ...target, threadId: '1733216460.000300' }, { text: 'a <b> & c' });
    await slack.edit(target, sent.platformMessageId, 'a <b> & c, and d');

    const [message] = fake.messagesIn(DM);
    expect(message).toMatchObject({ ts: sent.platformMessageId, threadTs: '1733216460.000300', text: 'a <b> & c, and d', history: ['a <b> & c', 'a <b> & c, and d'] });
  });

  it('uploads files and shares them with the text in one message of the thread', async () => {
    const report = Buffer.from('uptime 99.98 %\n');
    const sent = await adapter().send(
      { ...target, threadId: '1733216460.000300' },
      { text: 'The <weekly> report', attachments: [{ kind: 'file', fileName: 'report.txt', mimeType: 'text/plain', data: report }, { kind: 'image', fileName: 'dot.png', data: Buffer.from('png') }] },
    );

    const [message] = fake.messagesIn(DM);
    expect(message).toMatchObject({ threadTs: '1733216460.000300', text: 'The <weekly> report', files: [{ name: 'report.txt', data: report }, { name: 'dot.png', data: Buffer.from('png') }] });
    expect(sent.platformMessageId).toMatch(/^F/);
    expect(fake.calls({ path: '/api/files.completeUploadExternal' })).toHaveLength(1);
  });

  it('shares nothing when an upload fails, and throws the failure', async () => {
    fake.failNext('POST', '/upload/v1/:id', { status: 500, body: 'upload failed' });
    await expect(adapter().send(target, { text: 'report', attachments: [{ kind: 'file', fileName: 'report.txt', data: Buffer.from('x') }] })).rejects.toMatchObject({
      code: ErrorCode.TEMPORARY,
    });
    expect(fake.messagesIn(DM)).toEqual([]);
  });

  it('throws RATE_LIMITED with the Retry-After of a 429, and TEMPORARY for a 5xx', async () => {
    const slack = adapter();
    fake.failNextSends({ status: 429, headers: { 'retry-after': '7' }, body: { ok: false, error: 'ratelimited' } });
    await expect(slack.send(target, { text: 'hi' })).rejects.toMatchObject({ code: ErrorCode.RATE_LIMITED, retryAfterMs: 7_000 });
    fake.failNextSends({ status: 503, body: 'upstream unavailable' });
    await expect(slack.send(target, { text: 'hi' })).rejects.toMatchObject({ code: ErrorCode.TEMPORARY });
    expect(fake.messagesIn(DM)).toEqual([]);
  });

  it('downloads a shared file with the bot token, and refuses one over the download limit before fetching it', async () => {
    const data = Buffer.from('a picture of a dot');
    const file = fake.addFile('dot.png', 'image/png', data);
    const attachment = { kind: 'image' as const, platformFileId: file.id };

    expect(await adapter().downloadAttachment(attachment)).toEqual(data);
    await expect(adapter({ maxDownloadBytes: 4 }).downloadAttachment(attachment)).rejects.toMatchObject({ code: ErrorCode.INVALID_INPUT });
    expect(fake.calls({ method: 'GET' })).toHaveLength(1);
  });
});
