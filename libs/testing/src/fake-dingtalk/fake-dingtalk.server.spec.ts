import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { FakeDingTalk } from './fake-dingtalk.server';

const fake = new FakeDingTalk();
const LI = { staffId: 'manager4220', nick: 'Li Wei' };
const sockets: WebSocket[] = [];

beforeAll(() => fake.start());
afterAll(() => fake.stop());
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.terminate();
  fake.clear();
});

const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
  const response = await fetch(`${fake.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

/** Opens a Stream connection the way the SDK does and collects the frames pushed on it. */
async function connect(): Promise<{ socket: WebSocket; frames: { headers: { messageId: string }; data: string }[] }> {
  const subscriptions = [{ type: 'CALLBACK', topic: '/v1.0/im/bot/messages/get' }];
  const { body } = await post('/v1.0/gateway/connections/open', { clientId: fake.clientId, clientSecret: fake.clientSecret, subscriptions });
  const socket = new WebSocket(`${String(body.endpoint)}?ticket=${String(body.ticket)}`);
  sockets.push(socket);
  const frames: { headers: { messageId: string }; data: string }[] = [];
  socket.on('message', (data) => frames.push(JSON.parse(data.toString()) as (typeof frames)[number]));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  return { socket, frames };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('FakeDingTalk', () => {
  it('pushes robot messages as CALLBACK frames and pushes the unacked ones again on the next connection', async () => {
    const first = await connect();
    const acked = fake.push({ from: LI, text: 'one' });
    const unacked = fake.push({ from: LI, text: 'two' });
    await until(() => first.frames.length === 2);
    expect(JSON.parse(first.frames[0].data)).toMatchObject({ msgId: acked.msgId, msgtype: 'text', text: { content: 'one' }, senderStaffId: 'manager4220' });
    first.socket.send(JSON.stringify({ code: 200, headers: { messageId: first.frames[0].headers.messageId }, message: 'OK', data: '{}' }));
    await fake.waitForAck(acked);

    first.socket.terminate();
    const second = await connect();
    await until(() => second.frames.length === 1);
    expect(second.frames[0].headers.messageId).toBe(unacked.messageId);
    expect(fake.connectionsOpened).toBe(2);
  });

  it('opens no connection for wrong credentials or a used ticket', async () => {
    const { status } = await post('/v1.0/gateway/connections/open', { clientId: fake.clientId, clientSecret: 'wrong', subscriptions: [] });
    expect(status).toBe(401);
    const { socket } = await connect();
    const reused = new WebSocket(socket.url);
    sockets.push(reused);
    const code = await new Promise<number>((resolve) => reused.once('close', resolve));
    expect(code).toBe(4001);
  });

  it('refuses an expired access token with InvalidAuthentication and an expired session webhook with an errcode', async () => {
    const { body: token } = await post('/v1.0/oauth2/accessToken', { appKey: fake.clientId, appSecret: fake.clientSecret });
    const send = () =>
      post('/v1.0/robot/groupMessages/send', { openConversationId: 'cidX==', msgKey: 'sampleText', msgParam: '{"content":"hi"}' }, { 'x-acs-dingtalk-access-token': String(token.accessToken) });
    expect((await send()).status).toBe(200);
    fake.expireTokens();
    expect(await send()).toMatchObject({ status: 401, body: { code: 'InvalidAuthentication' } });

    const callback = JSON.parse(fake.callback({ from: LI, text: 'hi' }).body) as { sessionWebhook: string };
    fake.expireSessionWebhooks();
    const response = await fetch(callback.sessionWebhook, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"msgtype":"text","text":{"content":"late"}}' });
    expect(await response.json()).toMatchObject({ errcode: 300001 });
    expect(fake.messagesIn('manager4220')).toEqual([]);
  });

  it('takes an upload of a format DingTalk accepts and shows it in a file message, refusing other formats', async () => {
    const { body: token } = await post('/v1.0/oauth2/accessToken', { appKey: fake.clientId, appSecret: fake.clientSecret });
    const upload = async (type: string, fileName: string) => {
      const form = new FormData();
      form.append('media', new Blob([Buffer.from('%PDF-1.4 report')]), fileName);
      const response = await fetch(`${fake.url}/media/upload?access_token=${String(token.accessToken)}&type=${type}`, { method: 'POST', body: form });
      return (await response.json()) as { errcode: number; media_id?: string };
    };
    expect(await upload('file', 'notes.txt')).toMatchObject({ errcode: 40005 });
    const { media_id: mediaId } = await upload('file', 'report.pdf');

    const msgParam = JSON.stringify({ mediaId, fileName: 'report.pdf', fileType: 'pdf' });
    const sent = await post('/v1.0/robot/oToMessages/batchSend', { robotCode: fake.clientId, userIds: ['manager4220'], msgKey: 'sampleFile', msgParam }, { 'x-acs-dingtalk-access-token': String(token.accessToken) });

    expect(sent.status).toBe(200);
    expect(fake.messagesIn('manager4220')).toMatchObject([{ text: '', file: { fileName: 'report.pdf', data: Buffer.from('%PDF-1.4 report') }, via: 'openapi' }]);
  });
});
