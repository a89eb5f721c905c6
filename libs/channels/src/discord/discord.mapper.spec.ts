import { ErrorCode } from '@switchboard/core';
import type { GatewayMessageCreateDispatchData } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { mapDiscordMessage, type DiscordMappingContext } from './discord.mapper';
import dmText from './fixtures/dm-text.json';
import guildMention from './fixtures/guild-mention.json';
import replyToBot from './fixtures/reply-to-bot.json';
import voiceMessage from './fixtures/voice-message.json';

const THREAD = '700000000000000003';
const CHANNEL = '700000000000000002';
const context: DiscordMappingContext = {
  accountId: 'default',
  bot: { id: '1000000000000000001', username: 'switchboard' },
  threadParentOf: (channelId) => (channelId === THREAD ? CHANNEL : undefined),
};

/** A copy of a fixture with changes, so each test states what differs from the recording. */
function map(fixture: unknown, change: (message: Record<string, unknown>) => void = () => {}) {
  const message = structuredClone(fixture) as Record<string, unknown>;
  change(message);
  return mapDiscordMessage(message as unknown as GatewayMessageCreateDispatchData, context);
}

describe('mapDiscordMessage', () => {
  it('maps a direct message to a DM that addresses the bot', () => {
    expect(mapDiscordMessage(structuredClone(dmText) as unknown as GatewayMessageCreateDispatchData, { ...context, accountId: 'support' })).toEqual({
      platform: 'discord',
      accountId: 'support',
      chatId: '1441000000000000010',
      threadId: undefined,
      chatType: 'dm',
      platformMessageId: '1441000000000000101',
      sender: { id: '200000000000000001', displayName: 'Alice Liddell', username: 'alice_l' },
      text: 'Hello there',
      attachments: [],
      mentionsBot: true,
      repliesToBot: false,
      replyToMessageId: undefined,
      receivedAt: new Date('2025-11-21T08:00:00.000Z'),
    });
  });

  it('maps a guild message that mentions the bot, without the mention that opens it', () => {
    expect(map(guildMention)).toMatchObject({
      chatId: CHANNEL,
      threadId: undefined,
      chatType: 'group',
      sender: { id: '200000000000000002', displayName: 'bob_builds', username: 'bob_builds' },
      text: 'what is the status of the deploy?',
      mentionsBot: true,
    });
  });

  it('keeps a command after the opening mention a command, and writes other mentions of the bot as @name', () => {
    expect(map(guildMention, (m) => (m.content = '<@!1000000000000000001> /status'))?.text).toBe('/status');
    expect(map(guildMention, (m) => (m.content = 'ask <@1000000000000000001> about it'))?.text).toBe('ask @switchboard about it');
  });

  it('does not take a guild message without a mention of the bot as addressed to it', () => {
    const mapped = map(guildMention, (m) => Object.assign(m, { content: 'just chatting <@200000000000000003>', mentions: [{ id: '200000000000000003', username: 'carol' }] }));
    expect(mapped).toMatchObject({ chatType: 'group', mentionsBot: false, repliesToBot: false, text: 'just chatting <@200000000000000003>' });
  });

  it('maps a message in a thread to the parent channel with the thread as threadId', () => {
    expect(map(guildMention, (m) => (m.channel_id = THREAD))).toMatchObject({ chatId: CHANNEL, threadId: THREAD, chatType: 'thread' });
  });

  it('tells a reply to one of the bot messages apart', () => {
    expect(map(replyToBot)).toMatchObject({ repliesToBot: true, replyToMessageId: '1441000000000000250', text: 'and the one before?' });
    const toSomeoneElse = map(replyToBot, (m) => ((m.referenced_message as { author: { id: string } }).author.id = '200000000000000003'));
    expect(toSomeoneElse).toMatchObject({ repliesToBot: false, replyToMessageId: '1441000000000000250' });
  });

  it('maps a voice message to a voice attachment whose id is its CDN URL', () => {
    const mapped = map(voiceMessage);
    expect(mapped?.text).toBe('');
    expect(mapped?.attachments).toEqual([
      {
        kind: 'voice',
        platformFileId: expect.stringMatching(/^https:\/\/cdn\.discordapp\.com\/attachments\/.*voice-message\.ogg/),
        fileName: 'voice-message.ogg',
        mimeType: 'audio/ogg',
        sizeBytes: 20480,
      },
    ]);
  });

  it.each([
    ['its own or another bot', (m: Record<string, unknown>) => ((m.author as { bot?: boolean }).bot = true)],
    ['a webhook', (m: Record<string, unknown>) => (m.webhook_id = '1441000000000000999')],
    ['a system message (a member joined)', (m: Record<string, unknown>) => (m.type = 7)],
    ['an empty message', (m: Record<string, unknown>) => (m.content = '  ')],
  ])('ignores a message from %s', (_what, change) => {
    expect(map(dmText, change)).toBeNull();
  });

  it('throws INVALID_INPUT for a payload without an author', () => {
    expect(() => map(dmText, (m) => delete m.author)).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_INPUT }));
  });
});
