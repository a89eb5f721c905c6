import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelegramAdapter } from '@switchboard/channels/telegram/telegram.adapter';
import { ChannelRegistry } from '@switchboard/core';
import { FAKE_TELEGRAM_TOKEN, FakeTelegramServer } from '@switchboard/testing';
import type { JobMap, QueueDriver } from '@switchboard/queue';
import { NotifyProcessor } from './notify.processor';

describe('NotifyProcessor', () => {
  const fake = new FakeTelegramServer();
  let processor: NotifyProcessor;
  let telegram: TelegramAdapter;

  beforeAll(async () => {
    await fake.start();
    telegram = new TelegramAdapter({ botToken: FAKE_TELEGRAM_TOKEN, mode: 'polling', apiRoot: fake.url });
    // Only handle() is exercised; nothing is registered with the queue.
    processor = new NotifyProcessor({} as QueueDriver, new ChannelRegistry([telegram]));
  });
  afterAll(() => fake.stop());

  const notify = (payload: JobMap['channel.notify']) => processor.handle({ id: 'n', name: 'channel.notify', payload, attempt: 1, maxAttempts: 3 });

  it('replaces a half-written draft with the notice instead of leaving it beside a new message', async () => {
    const target = { platform: 'telegram', accountId: 'default', chatId: '5550001' };
    const draft = await telegram.send(target, { text: 'The answer is ▍' });

    await notify({ ...target, text: 'Sorry, it failed.', replaceMessageId: draft.platformMessageId });
    // A retried job edits it to the same text again.
    await notify({ ...target, text: 'Sorry, it failed.', replaceMessageId: draft.platformMessageId });
    expect(fake.messagesIn(target.chatId).map((message) => message.text)).toEqual(['Sorry, it failed.']);
  });

  it('sends the notice as a new message when there is nothing to replace', async () => {
    const target = { platform: 'telegram', accountId: 'default', chatId: '5550002' };
    await notify({ ...target, text: 'Pairing approved.' });
    expect(fake.messagesIn(target.chatId).map((message) => message.text)).toEqual(['Pairing approved.']);
  });
});
