import { ErrorCode } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import appMention from './fixtures/app-mention.json';
import botMessage from './fixtures/bot-message.json';
import fileShare from './fixtures/file-share.json';
import imMessage from './fixtures/im-message.json';
import threadReply from './fixtures/thread-reply.json';
import { mapSlackEvent, mapSlackSlashCommand, plainText, slackText, type SlackEventCallback } from './slack.mapper';

const context = { accountId: 'default', botUserId: 'U0BOT00001' };
const map = (callback: unknown) => mapSlackEvent(callback as SlackEventCallback, context);
const withEvent = (callback: { event: object }, event: object) => ({ ...callback, event: { ...callback.event, ...event } });

describe('mapSlackEvent', () => {
  it('maps a direct message, addressed to the bot by being a DM, its markup as plain text', () => {
    expect(map(imMessage)).toEqual({
      platform: 'slack',
      accountId: 'default',
      chatId: 'D0PNCRP9N',
      threadId: undefined,
      chatType: 'dm',
      platformMessageId: 'D0PNCRP9N:1733216400.000200',
      sender: { id: 'U061F7AUR' },
      text: 'what is this (https://example.com) & that?',
      attachments: [],
      mentionsBot: true,
      repliesToBot: false,
      receivedAt: new Date(1733216400000),
    });
  });

  it('maps an app_mention in a channel as a group message that mentions the bot', () => {
    expect(map(appMention)).toMatchObject({
      chatId: 'C0LAN2Q65',
      chatType: 'group',
      threadId: undefined,
      mentionsBot: true,
      text: '@U0BOT00001 what time is it in #general?',
    });
  });

  it('gives the channel message of a mention the same id as its app_mention, so the pipeline keeps one', () => {
    const asMessage = withEvent(appMention, { type: 'message', channel_type: 'channel' });
    expect(map(asMessage)?.platformMessageId).toBe(map(appMention)?.platformMessageId);
    expect(map(asMessage)?.mentionsBot).toBe(true);
  });

  it('leaves a channel message without a mention of the bot unaddressed', () => {
    const chatter = withEvent(appMention, { type: 'message', channel_type: 'channel', text: 'lunch at <@U0OTHER01>?' });
    expect(map(chatter)).toMatchObject({ chatType: 'group', mentionsBot: false, text: 'lunch at @U0OTHER01?' });
  });

  it('maps a reply in a thread to the thread of its root, a session of its own', () => {
    expect(map(threadReply)).toMatchObject({ chatId: 'C0LAN2Q65', chatType: 'thread', threadId: '1733216460.000300', mentionsBot: true });
  });

  it('maps shared files to attachments fetched by their file id', () => {
    expect(map(fileShare)).toMatchObject({
      text: 'what is in this picture?',
      attachments: [{ kind: 'image', platformFileId: 'F0S43PZDF', fileName: 'dot.png', mimeType: 'image/png', sizeBytes: 68 }],
    });
  });

  it("ignores the bot's own messages, edits and other events", () => {
    expect(map(botMessage)).toBeNull();
    expect(map(withEvent(imMessage, { subtype: 'message_changed' }))).toBeNull();
    expect(map(withEvent(imMessage, { type: 'reaction_added' }))).toBeNull();
    expect(map(withEvent(imMessage, { text: '   ' }))).toBeNull();
  });

  it('refuses a message event without its channel, user or ts as INVALID_INPUT', () => {
    expect(() => map(withEvent(imMessage, { ts: undefined }))).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_INPUT }));
  });
});

describe('Slack text', () => {
  it('escapes &, < and > going out and reads them back coming in', () => {
    const text = 'if a < b && b > c: <@U1> is not a mention';
    expect(slackText(text)).toBe('if a &lt; b &amp;&amp; b &gt; c: &lt;@U1&gt; is not a mention');
    expect(plainText(slackText(text))).toBe(text);
  });
});

describe('mapSlackSlashCommand', () => {
  const context = { accountId: 'default', botUserId: 'U0BOT' };
  const invocation = { user_id: 'U0ALICE', channel_id: 'C0GENERAL', channel_name: 'general', trigger_id: '1.2.3' };

  it('turns a command registered under its own name, or the umbrella /switchboard, into the chat command', () => {
    expect(mapSlackSlashCommand({ ...invocation, command: '/title', text: 'Q3 &amp; Q4 plan' }, context)).toMatchObject({ text: '/title Q3 & Q4 plan', chatType: 'group', mentionsBot: true });
    expect(mapSlackSlashCommand({ ...invocation, command: '/switchboard', text: 'usage' }, context).text).toBe('/usage');
    expect(mapSlackSlashCommand({ ...invocation, command: '/switchboard', text: '' }, context).text).toBe('/help');
  });

  it('refuses a payload without its command, user, channel or trigger id', () => {
    expect(() => mapSlackSlashCommand({ ...invocation, command: 'title' }, context)).toThrow(/slash command without/);
    expect(() => mapSlackSlashCommand({ ...invocation, command: '/title', user_id: undefined }, context)).toThrow(/slash command without/);
  });
});
