import { Logger } from '@nestjs/common';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, isDomainError, type InboundMessage, type InboundOutcome } from '@switchboard/core';
import { FakeWecomAibotServer } from '@switchboard/testing';
import { WecomAibotAdapter } from './wecom-aibot.adapter';

const USER = 'zhangsan';
const dm = { platform: 'wecom', accountId: 'default', chatId: USER };

describe('WecomAibotAdapter', () => {
  const fake = new FakeWecomAibotServer();
  let adapter: WecomAibotAdapter;
  let received: InboundMessage[];
  let outcome: InboundOutcome;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    await fake.start();
  });
  afterAll(() => fake.stop());
  beforeEach(async () => {
    fake.clear();
    received = [];
    outcome = 'accepted';
    adapter = new WecomAibotAdapter({ botId: fake.bot.botId, botSecret: fake.bot.secret, wsUrl: fake.url, streamIdleFinishMs: 50 });
    await adapter.start(async (message) => {
      received.push(message);
      return outcome;
    });
  });
  afterEach(() => adapter.stop());

  it('receives a message once authenticated, and answers it in one stream, full text each time, finished when updates stop', async () => {
    const callback = fake.deliver({ from: USER, text: 'tell me' });
    await expect.poll(() => received.length).toBe(1);
    expect(received[0]).toMatchObject({ platform: 'wecom', chatId: USER, chatType: 'dm', platformMessageId: callback.msgId, text: 'tell me' });
    const sent = await adapter.send(dm, { text: 'Once', replyToMessageId: callback.msgId });
    await adapter.edit(dm, sent.platformMessageId, 'Once upon');
    await adapter.edit(dm, sent.platformMessageId, 'Once upon a time.');
    await fake.waitForText(USER, (text) => text === 'Once upon a time.');
    expect(fake.messagesIn(USER)).toEqual([expect.objectContaining({ kind: 'stream', finished: true, history: ['Once', 'Once upon', 'Once upon a time.', 'Once upon a time.'] })]);
  });

  it('answers a message in its stream when the reply comes while it is being stored (a pairing code)', async () => {
    await adapter.stop();
    await adapter.start(async (message) => {
      received.push(message);
      // As the pipeline does: sent without holding up the sink's answer.
      void adapter.send({ ...dm, chatId: message.chatId }, { text: 'Your pairing code is ABCD2345', replyToMessageId: message.platformMessageId });
      return 'denied';
    });
    fake.deliver({ from: 'stranger', text: 'let me in' });
    await fake.waitForText('stranger', (text) => text.includes('ABCD2345'));
    expect(fake.messagesIn('stranger')).toEqual([expect.objectContaining({ kind: 'stream', text: 'Your pairing code is ABCD2345' })]);
  });

  it('pushes text that answers no message, and an edit of a finished stream, as new messages', async () => {
    await adapter.send(dm, { text: 'A notice' });
    const callback = fake.deliver({ from: USER, text: 'q' });
    await expect.poll(() => received.length).toBe(1);
    const sent = await adapter.send(dm, { text: 'answer', replyToMessageId: callback.msgId });
    await fake.waitForText(USER, (text) => text === 'answer');
    await adapter.edit(dm, sent.platformMessageId, 'answer, corrected');
    expect(fake.messagesIn(USER).map((m) => [m.kind, m.text])).toEqual([
      ['push', 'A notice'],
      ['stream', 'answer'],
      ['push', 'answer, corrected'],
    ]);
  });

  it('lets the next reply take a stream whose first frame WeCom refused', async () => {
    const callback = fake.deliver({ from: USER, text: 'q' });
    await expect.poll(() => received.length).toBe(1);
    fake.failRepliesNext(-1, 'system busy');
    const error = await adapter.send(dm, { text: 'first try', replyToMessageId: callback.msgId }).catch((e: unknown) => e);
    expect(isDomainError(error) && error.code).toBe(ErrorCode.TEMPORARY);
    await adapter.send(dm, { text: 'second try', replyToMessageId: callback.msgId });
    await fake.waitForText(USER, (text) => text === 'second try');
    expect(fake.messagesIn(USER).map((m) => [m.kind, m.text])).toEqual([['stream', 'second try']]);
  });

  it('maps WeCom\'s frequency limit on a reply to RATE_LIMITED', async () => {
    fake.failRepliesNext(45009, 'api freq out of limit');
    const error = await adapter.send(dm, { text: 'x' }).catch((e: unknown) => e);
    expect(isDomainError(error) && error.code).toBe(ErrorCode.RATE_LIMITED);
  });

  it('sends files after the text: each uploaded in chunks of 512 KB, then pushed as a file or image message, its caption after it', async () => {
    const callback = fake.deliver({ from: USER, text: 'the report, please' });
    await expect.poll(() => received.length).toBe(1);
    // Three chunks: two of 512 KB and the rest.
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(1_200_000, 'report line\n')]);
    const png = Buffer.from('89504e470d0a1a0a', 'hex');

    const sent = await adapter.send(dm, {
      text: 'The weekly report:',
      replyToMessageId: callback.msgId,
      attachments: [
        { kind: 'file', fileName: 'report.pdf', mimeType: 'application/pdf', data: pdf, caption: 'for week 12' },
        { kind: 'image', fileName: 'chart.png', mimeType: 'image/png', data: png },
      ],
    });

    await fake.waitForText(USER, (text) => text === 'The weekly report:');
    expect(fake.messagesIn(USER).map(({ kind, text, media }) => [kind, text, media && { type: media.type, filename: media.filename, size: media.data.length }])).toEqual([
      ['stream', 'The weekly report:', undefined],
      ['media', '', { type: 'file', filename: 'report.pdf', size: pdf.length }],
      ['push', 'for week 12', undefined],
      ['media', '', { type: 'image', filename: 'chart.png', size: png.length }],
    ]);
    // Compared as hex: toEqual walks a Buffer byte by byte, slowly.
    expect(fake.uploadedMedia().map((media) => media.data.toString('hex'))).toEqual([pdf.toString('hex'), png.toString('hex')]);
    expect(fake.framesReceived('aibot_upload_media_chunk')).toBe(3 + 1);
    // The id is the text's: the stream the reply opened.
    expect(fake.messagesIn(USER)[0].streamId).toBe(sent.platformMessageId);
  });

  it.each([
    { kind: 'file' as const, fileName: 'dump.bin', bytes: 20 * 1024 * 1024 + 1, named: 'files of at most 20.0 MB (20971520 bytes)' },
    { kind: 'image' as const, fileName: 'scan.png', bytes: 10 * 1024 * 1024 + 1, named: 'images of at most 10.0 MB (10485760 bytes)' },
    { kind: 'file' as const, fileName: 'tiny.txt', bytes: 4, named: 'files of at least 5 bytes' },
  ])('refuses $fileName ($bytes bytes) before sending anything, naming the limit', async ({ kind, fileName, bytes, named }) => {
    const fine = { kind: 'file' as const, fileName: 'notes.pdf', data: Buffer.from('%PDF-1.4 notes') };

    const error = await adapter.send(dm, { text: 'Files:', attachments: [fine, { kind, fileName, data: Buffer.alloc(bytes, 1) }] }).catch((e: unknown) => e);

    expect(isDomainError(error) && error.code).toBe(ErrorCode.INVALID_INPUT);
    expect((error as Error).message).toBe(`${fileName} is ${bytes} bytes: WeCom takes ${named} from an AI bot`);
    expect(fake.messagesIn(USER)).toEqual([]);
    expect(fake.framesReceived('aibot_send_msg') + fake.framesReceived('aibot_upload_media_init')).toBe(0);
  });

  it('maps WeCom refusing a media message to its error code', async () => {
    fake.failRepliesNext(45009, 'api freq out of limit');
    const error = await adapter.send(dm, { text: '', attachments: [{ kind: 'file', fileName: 'report.pdf', data: Buffer.from('%PDF-1.4 report') }] }).catch((e: unknown) => e);
    expect(isDomainError(error) && error.code).toBe(ErrorCode.RATE_LIMITED);
    expect(fake.uploadedMedia()).toHaveLength(1);
    expect(fake.messagesIn(USER)).toEqual([]);
  });

  it('reconnects after WeCom drops the connection and receives what was left unanswered', async () => {
    const before = fake.connectionsOpened;
    const unanswered = fake.deliver({ from: USER, text: 'first try' });
    await expect.poll(() => received.length).toBe(1);
    fake.dropConnection();
    await expect.poll(() => fake.connectionsOpened, { timeout: 5_000 }).toBe(before + 1);
    await expect.poll(() => received.length).toBe(2);
    expect(received.map((m) => m.platformMessageId)).toEqual([unanswered.msgId, unanswered.msgId]);
    expect(await adapter.healthProbe()).toMatchObject({ connection: 'open' });
  });

  it('does not start with a wrong secret, naming the failure AUTH_FAILED', async () => {
    const wrong = new WecomAibotAdapter({ botId: fake.bot.botId, botSecret: 'wrong', wsUrl: fake.url });
    const error = await wrong.start(async () => 'accepted').catch((e: unknown) => e);
    await wrong.stop();
    expect(isDomainError(error) && error.code).toBe(ErrorCode.AUTH_FAILED);
  });
});
