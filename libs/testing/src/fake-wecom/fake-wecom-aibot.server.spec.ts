import { createHash } from 'node:crypto';
import { WSClient } from '@wecom/aibot-node-sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { FakeWecomAibotServer } from './fake-wecom-aibot.server';

const fake = new FakeWecomAibotServer();
const sockets: WebSocket[] = [];
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

beforeAll(() => fake.start());
afterAll(() => fake.stop());
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.terminate();
  fake.clear();
});

type Answer = { errcode: number; errmsg: string; body?: Record<string, unknown> };

/** A subscribed connection speaking raw frames: `call` sends one and resolves with the answer to its req_id. */
async function connect(): Promise<(cmd: string, body: Record<string, unknown>) => Promise<Answer>> {
  const socket = new WebSocket(fake.url);
  sockets.push(socket);
  const waiting = new Map<string, (answer: Answer) => void>();
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as Answer & { headers: { req_id: string } };
    waiting.get(frame.headers.req_id)?.(frame);
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  let id = 0;
  const call = (cmd: string, body: Record<string, unknown>) =>
    new Promise<Answer>((resolve) => {
      const reqId = `${cmd}_${++id}`;
      waiting.set(reqId, resolve);
      socket.send(JSON.stringify({ cmd, headers: { req_id: reqId }, body }));
    });
  expect(await call('aibot_subscribe', { bot_id: fake.bot.botId, secret: fake.bot.secret })).toMatchObject({ errcode: 0 });
  return call;
}

const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');

describe('FakeWecomAibotServer', () => {
  it('takes the SDK\'s chunked upload and shows the media message it pushes with the media_id', async () => {
    const client = new WSClient({ botId: fake.bot.botId, secret: fake.bot.secret, wsUrl: fake.url, logger: quiet });
    const authenticated = new Promise<void>((resolve) => client.once('authenticated', () => resolve()));
    client.connect();
    await authenticated;
    try {
      // Two chunks: 512 KB and the rest.
      const pdf = Buffer.alloc(600 * 1024, 'weekly report ');

      const uploaded = await client.uploadMedia(pdf, { type: 'file', filename: 'report.pdf' });
      await client.sendMediaMessage('zhangsan', 'file', uploaded.media_id);

      expect(uploaded).toMatchObject({ type: 'file', media_id: expect.any(String), created_at: expect.any(String) });
      expect(fake.framesReceived('aibot_upload_media_chunk')).toBe(2);
      const [shown] = fake.messagesIn('zhangsan');
      expect({ kind: shown.kind, type: shown.media?.type, filename: shown.media?.filename, md5: shown.media && md5(shown.media.data) }).toEqual({
        kind: 'media',
        type: 'file',
        filename: 'report.pdf',
        md5: md5(pdf),
      });
    } finally {
      client.disconnect();
    }
  });

  it('refuses uploads WeCom refuses: an unknown type, a size over the type\'s limit or under 5 bytes, a chunk count that does not fit the size', async () => {
    const call = await connect();
    const init = (body: Record<string, unknown>) => call('aibot_upload_media_init', { filename: 'f.bin', md5: 'x', ...body });

    expect(await init({ type: 'sticker', total_size: 100, total_chunks: 1 })).toMatchObject({ errcode: 40004 });
    expect(await init({ type: 'image', total_size: 10 * 1024 * 1024 + 1, total_chunks: 21 })).toMatchObject({ errcode: 40006 });
    expect(await init({ type: 'voice', total_size: 2 * 1024 * 1024 + 1, total_chunks: 5 })).toMatchObject({ errcode: 40006 });
    expect(await init({ type: 'file', total_size: 4, total_chunks: 1 })).toMatchObject({ errcode: 40006 });
    expect(await init({ type: 'file', total_size: 600 * 1024, total_chunks: 1 })).toMatchObject({ errcode: 40058 });
    expect(await init({ type: 'file', total_size: 20 * 1024 * 1024, total_chunks: 40 })).toMatchObject({ errcode: 0, body: { upload_id: expect.any(String) } });
  });

  it('finishes an upload only with every chunk there and the bytes its md5 names, and shows a media message only of its type', async () => {
    const call = await connect();
    const data = Buffer.from('%PDF-1.4 report');
    const start = async (digest: string) => {
      const answer = await call('aibot_upload_media_init', { type: 'file', filename: 'report.pdf', total_size: data.length, total_chunks: 1, md5: digest });
      return String(answer.body?.upload_id);
    };
    const chunk = (uploadId: string, index: number) => call('aibot_upload_media_chunk', { upload_id: uploadId, chunk_index: index, base64_data: data.toString('base64') });

    const missing = await start(md5(data));
    expect(await call('aibot_upload_media_finish', { upload_id: missing })).toMatchObject({ errcode: 40058, errmsg: 'chunks missing' });
    expect(await chunk(missing, 1)).toMatchObject({ errcode: 40058, errmsg: 'invalid chunk_index' });

    const wrongDigest = await start(md5(Buffer.from('something else')));
    await chunk(wrongDigest, 0);
    expect(await call('aibot_upload_media_finish', { upload_id: wrongDigest })).toMatchObject({ errcode: 40058, errmsg: 'md5 mismatch' });

    const good = await start(md5(data));
    await chunk(good, 0);
    const finished = await call('aibot_upload_media_finish', { upload_id: good });
    expect(finished).toMatchObject({ errcode: 0, body: { type: 'file', media_id: expect.any(String) } });
    const mediaId = String(finished.body?.media_id);

    expect(await call('aibot_send_msg', { chatid: 'zhangsan', msgtype: 'image', image: { media_id: mediaId } })).toMatchObject({ errcode: 40007 });
    expect(await call('aibot_send_msg', { chatid: 'zhangsan', msgtype: 'file', file: { media_id: 'unknown' } })).toMatchObject({ errcode: 40007 });
    expect(fake.messagesIn('zhangsan')).toEqual([]);
    expect(await call('aibot_send_msg', { chatid: 'zhangsan', msgtype: 'file', file: { media_id: mediaId } })).toMatchObject({ errcode: 0 });
    expect(fake.messagesIn('zhangsan')).toMatchObject([{ kind: 'media', media: { type: 'file', filename: 'report.pdf', data } }]);
  });
});
