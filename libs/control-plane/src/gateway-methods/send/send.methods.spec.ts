import { Logger } from '@nestjs/common';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChannelAdapter, ChannelRegistry, ChatTarget, DomainError, ErrorCode, OutboundMessage } from '@switchboard/core';
import { SwitchboardMetrics } from '@switchboard/observability';
import { TestControlPlane, startTestControlPlane } from '../../testing/ws/control-plane.harness';
import { SendMethods } from './send.methods';

/** An account of a platform that keeps what it was sent; 40 characters per message. */
function fakeChannel(id: string, { accountId = 'default', files = false } = {}): ChannelAdapter & { sent: { target: ChatTarget; message: OutboundMessage }[] } {
  const sent: { target: ChatTarget; message: OutboundMessage }[] = [];
  return {
    id,
    accountId,
    sent,
    capabilities: { edit: true, typing: true, threads: false, reactions: false, files, images: false, voice: false, maxTextLength: 40 },
    start: async () => undefined,
    stop: async () => undefined,
    send: async (target, message) => {
      if (target.chatId === 'blocked') throw new DomainError(ErrorCode.PERMANENT, 'Forbidden: bot was blocked by the user');
      sent.push({ target, message });
      return { platformMessageId: `m${sent.length}` };
    },
    edit: async () => undefined,
    sendTyping: async () => undefined,
    healthProbe: async () => ({}),
  };
}

describe('send', () => {
  let plane: TestControlPlane;

  beforeAll(() => Logger.overrideLogger(false));
  afterEach(() => plane.stop());

  async function start(...channels: ChannelAdapter[]) {
    plane = await startTestControlPlane();
    new SendMethods(new ChannelRegistry(channels), new SwitchboardMetrics()).register(plane.server);
    return plane.operator();
  }

  it('delivers to a chat of the only channel, split at its length limit', async () => {
    const telegram = fakeChannel('telegram');
    const operator = await start(telegram);
    const message = 'The deploy finished. Every check passed, and the canary is healthy.';

    const answer = await operator.request('send', { to: '12345', message, idempotencyKey: 'send-1' });

    expect(answer.payload).toEqual({ runId: 'send-1', channel: 'telegram', to: '12345', messageId: 'm1', messageIds: ['m1', 'm2'] });
    expect(telegram.sent.map((sent) => sent.target)).toEqual([
      { platform: 'telegram', accountId: 'default', chatId: '12345' },
      { platform: 'telegram', accountId: 'default', chatId: '12345' },
    ]);
    expect(telegram.sent.map((sent) => sent.message.text).join(' ')).toBe(message);
  });

  it('sends a repeated idempotency key once', async () => {
    const telegram = fakeChannel('telegram');
    const operator = await start(telegram);
    await operator.request('send', { to: '12345', message: 'Hi', idempotencyKey: 'send-2' });
    expect((await operator.request('send', { to: '12345', message: 'Hi', idempotencyKey: 'send-2' })).payload).toMatchObject({ messageId: 'm1' });
    expect(telegram.sent).toHaveLength(1);
  });

  it('needs the channel when several are configured, and refuses unknown channels and accounts', async () => {
    const operator = await start(fakeChannel('telegram'), fakeChannel('slack'));
    const refusal = async (params: Record<string, unknown>) =>
      (await operator.request('send', { to: '1', message: 'Hi', idempotencyKey: `k-${Math.random()}`, ...params })).error?.message;

    expect(await refusal({})).toBe('channel is required: one of telegram, slack');
    expect(await refusal({ channel: 'discord' })).toBe('no channel discord is configured');
    expect(await refusal({ channel: 'slack', accountId: 'work' })).toBe('slack has no account work');
  });

  it('sends through the account asked for, the default one when none is named', async () => {
    const main = fakeChannel('telegram');
    const support = fakeChannel('telegram', { accountId: 'support' });
    const operator = await start(main, support);

    await operator.request('send', { to: '7', message: 'From support', channel: 'telegram', accountId: 'support', idempotencyKey: 'send-4' });
    await operator.request('send', { to: '7', message: 'From main', idempotencyKey: 'send-5' });

    expect(support.sent.map((sent) => [sent.target, sent.message.text])).toEqual([[{ platform: 'telegram', accountId: 'support', chatId: '7' }, 'From support']]);
    expect(main.sent.map((sent) => [sent.target, sent.message.text])).toEqual([[{ platform: 'telegram', accountId: 'default', chatId: '7' }, 'From main']]);
  });

  it('passes the platform refusal on to the caller', async () => {
    const operator = await start(fakeChannel('telegram'));
    const answer = await operator.request('send', { to: 'blocked', message: 'Hi', idempotencyKey: 'send-3' });
    expect(answer.error).toMatchObject({ code: 'UNAVAILABLE', message: 'Forbidden: bot was blocked by the user', details: { code: 'PERMANENT' } });
  });

  describe('with attachments', () => {
    const report = Buffer.from('uptime 99.98 %\n');
    const attachment = { fileName: 'report.txt', mimeType: 'text/plain', content: report.toString('base64') };

    it('sends the files with the last part of the text', async () => {
      const telegram = fakeChannel('telegram', { files: true });
      const operator = await start(telegram);

      const message = 'The weekly report is attached. Nothing needs your attention.';
      const answer = await operator.request('send', { to: '12345', message, attachments: [attachment], idempotencyKey: 'send-files-1' });

      expect(answer.payload).toMatchObject({ messageIds: ['m1', 'm2'] });
      expect(telegram.sent[0].message.attachments).toBeUndefined();
      expect(telegram.sent[1].message.attachments).toEqual([{ kind: 'file', fileName: 'report.txt', mimeType: 'text/plain', data: report }]);
    });

    it('sends files alone when the message is empty, an image as an image', async () => {
      const telegram = fakeChannel('telegram', { files: true });
      const operator = await start(telegram);

      const png = { fileName: 'chart.png', mimeType: 'image/png', content: Buffer.from('png').toString('base64') };
      await operator.request('send', { to: '12345', message: '', attachments: [png], idempotencyKey: 'send-files-2' });

      expect(telegram.sent).toHaveLength(1);
      expect(telegram.sent[0].message).toMatchObject({ text: '', attachments: [{ kind: 'image', fileName: 'chart.png' }] });
    });

    it('refuses files a platform cannot send, a path as a file name, bad base64 and an empty send, sending nothing', async () => {
      const whatsapp = fakeChannel('whatsapp');
      const operator = await start(whatsapp);
      const refusal = async (params: Record<string, unknown>) =>
        (await operator.request('send', { to: '1', message: 'Hi', idempotencyKey: `k-${Math.random()}`, ...params })).error?.message;

      expect(await refusal({ attachments: [attachment] })).toBe('whatsapp cannot send files');
      expect(await refusal({ attachments: [{ ...attachment, fileName: '../etc/passwd' }] })).toContain('fileName');
      expect(await refusal({ attachments: [{ ...attachment, content: 'not base64!' }] })).toContain('content');
      expect(await refusal({ message: ' ' })).toBe('message is empty and there is no attachment');
      expect(whatsapp.sent).toEqual([]);
    });
  });
});
