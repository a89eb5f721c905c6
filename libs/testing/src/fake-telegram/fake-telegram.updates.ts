import documentFixture from '@switchboard/channels/telegram/fixtures/document.json';
import forumTopicFixture from '@switchboard/channels/telegram/fixtures/forum-topic.json';
import groupMentionFixture from '@switchboard/channels/telegram/fixtures/group-mention.json';
import groupTextFixture from '@switchboard/channels/telegram/fixtures/group-text.json';
import photoFixture from '@switchboard/channels/telegram/fixtures/photo.json';
import privateTextFixture from '@switchboard/channels/telegram/fixtures/private-text.json';
import replyToBotFixture from '@switchboard/channels/telegram/fixtures/reply-to-bot.json';
import type { Chat, Message, MessageEntity, Update, User } from 'grammy/types';

/** What the builders need from the fake: fresh ids, the chats it knows, a place for file bytes. */
export interface FakeTelegramState {
  readonly botUser: User;
  nextUpdateId(): number;
  nextMessageId(chatId: number): number;
  rememberChat(chat: Chat): void;
  chat(chatId: number): Chat | undefined;
  storeFile(data: Buffer, path: string): { file_id: string; file_unique_id: string; file_size: number };
}

/** A message the bot sent, as a reply target: `FakeBotMessage` fits. */
export interface FakeReplyTarget {
  chatId: string;
  messageId: number;
  threadId?: number;
  text: string;
}

export interface FakeSenderOptions {
  /** Defaults to the fixture's sender (Alice in private chats, Bob in groups, Carol in the forum). */
  from?: User;
}

export interface FakeGroupOptions extends FakeSenderOptions {
  chatId?: number;
  /** A basic group ("type": "group") instead of the default supergroup. */
  basicGroup?: boolean;
}

export interface FakeFileOptions extends FakeSenderOptions {
  caption?: string;
  data?: Buffer;
}

/**
 * Builds updates shaped like the recorded ones in libs/channels/src/telegram/fixtures, with fresh
 * update and message ids. Entities are derived from the text as Telegram does: write
 * `@<bot username>` or `/cmd@<bot username>` to address the bot.
 */
export class FakeTelegramUpdates {
  constructor(private readonly state: FakeTelegramState) {}

  /** A direct message to the bot. */
  privateText(text: string, options: FakeSenderOptions = {}): Update {
    return this.build(privateTextFixture, options, (message) => setText(message, text));
  }

  /** A message in a supergroup (or a basic group). */
  groupText(text: string, options: FakeGroupOptions = {}): Update {
    return this.build(options.basicGroup ? groupTextFixture : groupMentionFixture, options, (message) => {
      if (options.chatId !== undefined) message.chat.id = options.chatId;
      setText(message, text);
    });
  }

  /** A reply to one of the bot's messages, e.g. one from `messagesIn(chatId)`. */
  replyToBot(text: string, target: FakeReplyTarget, options: FakeSenderOptions = {}): Update {
    return this.build(replyToBotFixture, options, (message) => {
      const chatId = Number(target.chatId);
      message.chat = this.state.chat(chatId) ?? (chatId > 0 ? privateChatOf(message.from as User) : { ...message.chat, id: chatId });
      setText(message, text);
      const { id, is_bot, first_name, username } = this.state.botUser;
      message.reply_to_message = {
        message_id: target.messageId,
        from: { id, is_bot, first_name, username },
        chat: message.chat,
        date: message.date - 1,
        text: target.text,
      } as Message['reply_to_message'];
      delete message.message_thread_id;
      // Supergroups number a reply chain after the message replied to; a forum topic by the topic.
      if (target.threadId !== undefined) Object.assign(message, { message_thread_id: target.threadId, is_topic_message: true });
      else if (message.chat.type === 'supergroup') message.message_thread_id = target.messageId;
    });
  }

  /** A message in a forum topic; every such message points at the topic-creation message. */
  topicText(text: string, options: FakeSenderOptions & { threadId?: number } = {}): Update {
    return this.build(forumTopicFixture, options, (message) => {
      setText(message, text);
      const threadId = options.threadId ?? message.message_thread_id ?? 0;
      message.message_thread_id = threadId;
      if (message.reply_to_message) Object.assign(message.reply_to_message, { message_id: threadId, message_thread_id: threadId });
    });
  }

  /** A photo in a private chat, in the four sizes Telegram generates. */
  photo(options: FakeFileOptions = {}): Update {
    return this.build(photoFixture, options, (message) => {
      const data = options.data ?? Buffer.from('fake jpeg bytes');
      message.photo = (message.photo ?? []).map((size, i) => ({ ...size, ...this.state.storeFile(data, `photos/file_${i}.jpg`) }));
      setCaption(message, options.caption);
    });
  }

  /** A document in a private chat. */
  document(options: FakeFileOptions & { fileName?: string; mimeType?: string } = {}): Update {
    return this.build(documentFixture, options, (message) => {
      const document = message.document;
      if (!document) return;
      const fileName = options.fileName ?? document.file_name ?? 'file.bin';
      const data = options.data ?? Buffer.from(`fake contents of ${fileName}`);
      message.document = {
        ...document,
        file_name: fileName,
        mime_type: options.mimeType ?? document.mime_type,
        ...this.state.storeFile(data, `documents/${fileName}`),
      };
      setCaption(message, options.caption);
    });
  }

  /** A voice message in a private chat (OGG/Opus, as Telegram records them). */
  voice(options: FakeFileOptions & { durationSeconds?: number } = {}): Update {
    return this.build(privateTextFixture, options, (message) => {
      delete message.text;
      delete message.entities;
      const data = options.data ?? Buffer.from('OggS fake voice');
      message.voice = { ...this.state.storeFile(data, 'voice/file.oga'), duration: options.durationSeconds ?? 3, mime_type: 'audio/ogg' };
      setCaption(message, options.caption);
    });
  }

  private build(fixture: unknown, options: FakeSenderOptions, customise: (message: Message) => void): Update {
    // A deep copy: fixtures are shared module state and stay as recorded.
    const update = structuredClone(fixture) as Update;
    const message = update.message as Message;
    if (options.from) {
      message.from = options.from;
      if (message.chat.type === 'private') message.chat = privateChatOf(options.from);
    }
    message.date = Math.floor(Date.now() / 1000);
    customise(message);
    update.update_id = this.state.nextUpdateId();
    message.message_id = this.state.nextMessageId(message.chat.id);
    this.state.rememberChat(message.chat);
    return update;
  }
}

function privateChatOf(user: User): Chat {
  return { id: user.id, type: 'private', first_name: user.first_name, last_name: user.last_name, username: user.username };
}

function setText(message: Message, text: string): void {
  message.text = text;
  const entities = entitiesOf(text);
  if (entities.length > 0) message.entities = entities;
  else delete message.entities;
}

function setCaption(message: Message, caption: string | undefined): void {
  if (caption === undefined) {
    delete message.caption;
    return;
  }
  message.caption = caption;
  const entities = entitiesOf(caption);
  if (entities.length > 0) message.caption_entities = entities;
}

/** The `bot_command` and `mention` entities Telegram would attach to `text`. */
export function entitiesOf(text: string): MessageEntity[] {
  const entities: MessageEntity[] = [];
  const command = /^\/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{5,32})?/.exec(text);
  if (command) entities.push({ type: 'bot_command', offset: 0, length: command[0].length });
  for (const match of text.matchAll(/(^|[^\w@/])(@[A-Za-z0-9_]{5,32})/g)) {
    entities.push({ type: 'mention', offset: match.index + match[1].length, length: match[2].length });
  }
  return entities;
}
