import type { Message, MessageEntity, Update } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import callbackQuery from './fixtures/callback-query.json';
import documentMessage from './fixtures/document.json';
import editedMessage from './fixtures/edited-message.json';
import forumTopic from './fixtures/forum-topic.json';
import groupCommand from './fixtures/group-command.json';
import groupMention from './fixtures/group-mention.json';
import groupText from './fixtures/group-text.json';
import newChatMembers from './fixtures/new-chat-members.json';
import photo from './fixtures/photo.json';
import privateText from './fixtures/private-text.json';
import replyToBot from './fixtures/reply-to-bot.json';
import { mapTelegramUpdate } from './telegram.mapper';

const context = { accountId: 'default', bot: { id: 7000000001, username: 'switchboard_test_bot' } };

/** A copy of a fixture with its message changed, so each test states what differs from the recording. */
function variant(fixture: unknown, change: (message: Message) => void = () => {}): Update {
  const update = structuredClone(fixture) as Update;
  change(update.message as Message);
  return update;
}

function map(fixture: unknown, change?: (message: Message) => void) {
  return mapTelegramUpdate(variant(fixture, change), context);
}

function withText(text: string, entities: MessageEntity[]) {
  return (message: Message) => Object.assign(message, { text, entities });
}

describe('mapTelegramUpdate', () => {
  it('maps a private message to a DM that addresses the bot', () => {
    expect(mapTelegramUpdate(variant(privateText), { ...context, accountId: 'support' })).toEqual({
      platform: 'telegram',
      accountId: 'support',
      chatId: '111111111',
      threadId: undefined,
      chatType: 'dm',
      platformMessageId: '111111111:42',
      sender: { id: '111111111', displayName: 'Alice Liddell', username: 'alice_l' },
      text: 'Hello there',
      attachments: [],
      mentionsBot: true,
      repliesToBot: false,
      replyToMessageId: undefined,
      receivedAt: new Date(1763712000 * 1000),
    });
  });

  it('maps a supergroup message that @-mentions the bot', () => {
    expect(map(groupMention)).toMatchObject({
      chatId: '-1001234567890',
      chatType: 'group',
      platformMessageId: '-1001234567890:1201',
      sender: { id: '222222222', displayName: 'Bob', username: 'bob_builds' },
      text: '@switchboard_test_bot what is the status of the deploy?',
      mentionsBot: true,
      repliesToBot: false,
    });
  });

  it('does not count a mention of someone else in a basic group', () => {
    expect(map(groupText)).toMatchObject({ chatId: '-4012345678', chatType: 'group', mentionsBot: false });
  });

  it('matches the bot username without regard to case, as Telegram does', () => {
    const shouted = map(groupMention, withText('@Switchboard_Test_Bot hi', [{ type: 'mention', offset: 0, length: 21 }]));

    expect(shouted?.mentionsBot).toBe(true);
  });

  it('takes a command addressed to the bot as a mention, but not a bare one or one for another bot', () => {
    expect(map(groupCommand)?.mentionsBot).toBe(true);
    expect(map(groupCommand, withText('/reset', [{ type: 'bot_command', offset: 0, length: 6 }]))?.mentionsBot).toBe(false);
    expect(map(groupCommand, withText('/reset@other_bot', [{ type: 'bot_command', offset: 0, length: 16 }]))?.mentionsBot).toBe(false);
  });

  it('takes a text_mention of the bot user as a mention', () => {
    const user = { id: 7000000001, is_bot: true, first_name: 'Switchboard' };
    const mentioned = map(groupText, withText('Switchboard, lunch?', [{ type: 'text_mention', offset: 0, length: 11, user }]));

    expect(mentioned?.mentionsBot).toBe(true);
  });

  it('maps a reply to the bot in a supergroup as a group message, not a thread', () => {
    expect(map(replyToBot)).toMatchObject({
      chatType: 'group',
      threadId: undefined,
      repliesToBot: true,
      replyToMessageId: '-1001234567890:1209',
      mentionsBot: false,
    });
  });

  it('does not count a reply to another user as a reply to the bot', () => {
    const toBob = map(replyToBot, (message) => Object.assign(message.reply_to_message ?? {}, { from: groupText.message.from }));

    expect(toBob).toMatchObject({ repliesToBot: false, replyToMessageId: '-1001234567890:1209' });
  });

  it('maps a forum topic message to a thread, ignoring the topic-creation message it points at', () => {
    expect(map(forumTopic)).toMatchObject({
      chatId: '-1009876543210',
      chatType: 'thread',
      threadId: '17',
      platformMessageId: '-1009876543210:88',
      mentionsBot: true,
      repliesToBot: false,
      replyToMessageId: undefined,
    });
    const topicOpenedByBot = map(forumTopic, (message) => Object.assign(message.reply_to_message ?? {}, { from: replyToBot.message.reply_to_message.from }));
    expect(topicOpenedByBot?.repliesToBot).toBe(false);
  });

  it('maps a reply to the bot inside a forum topic', () => {
    const reply = map(forumTopic, (message) => {
      message.reply_to_message = { ...replyToBot.message.reply_to_message, message_id: 90, message_thread_id: 17, is_topic_message: true } as Message['reply_to_message'];
    });

    expect(reply).toMatchObject({ chatType: 'thread', threadId: '17', repliesToBot: true, replyToMessageId: '-1009876543210:90' });
  });

  it('keeps the largest photo size and the caption as text', () => {
    const largest = photo.message.photo[2];

    expect(map(photo)).toMatchObject({
      chatType: 'dm',
      text: 'What is on this whiteboard?',
      attachments: [{ kind: 'image', platformFileId: largest.file_id, mimeType: 'image/jpeg', sizeBytes: 98410 }],
    });
  });

  it('maps a document with its name, type and size', () => {
    expect(map(documentMessage)).toMatchObject({
      text: 'Summarise this',
      attachments: [
        {
          kind: 'file',
          platformFileId: documentMessage.message.document.file_id,
          fileName: 'q3-report.pdf',
          mimeType: 'application/pdf',
          sizeBytes: 48213,
        },
      ],
    });
  });

  it('keeps a photo without a caption, with empty text', () => {
    expect(map(photo, (message) => delete message.caption)).toMatchObject({ text: '', attachments: [{ kind: 'image' }] });
  });

  it('reads mentions in a caption from caption_entities', () => {
    const captioned = map(photo, (message) => {
      message.chat = groupMention.message.chat as Message['chat'];
      message.caption = '@switchboard_test_bot what is this?';
      message.caption_entities = [{ type: 'mention', offset: 0, length: 21 }];
    });

    expect(captioned).toMatchObject({ chatType: 'group', mentionsBot: true });
  });

  it('names an anonymous admin by the group it posts as', () => {
    const anonymous = map(groupMention, (message) => {
      message.from = { id: 1087968824, is_bot: true, first_name: 'Group', username: 'GroupAnonymousBot' };
      message.sender_chat = { id: -1001234567890, title: 'Switchboard testers', type: 'supergroup' };
    });

    expect(anonymous?.sender).toEqual({ id: '-1001234567890', displayName: 'Switchboard testers', username: undefined });
  });

  it.each([
    ['an edited message', editedMessage],
    ['a button press', callbackQuery],
    ['members joining', newChatMembers],
  ])('ignores %s', (_name, fixture) => {
    expect(mapTelegramUpdate(variant(fixture), context)).toBeNull();
  });

  it('keeps a date it cannot read as sent, for the inbound pipeline to drop as invalid', () => {
    const mapped = map(privateText, (message) => Object.assign(message, { date: 'yesterday' }));
    expect(Number.isNaN(mapped!.receivedAt.getTime())).toBe(true);
  });

  it.each([
    ['without a chat', (message: Message) => Object.assign(message, { chat: undefined })],
    ['with a number for text', (message: Message) => Object.assign(message, { text: 42 })],
    ['with entities that are no list', (message: Message) => Object.assign(message, { entities: 'bold' })],
  ])('refuses a message %s as invalid input', (_name, change) => {
    expect(() => map(groupMention, change)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

