import { DomainError, ErrorCode, type Attachment, type ChatType, type InboundMessage, type Sender } from '@switchboard/core';
import type { Message, MessageEntity, Update } from 'grammy/types';

/** Who the bot is, from `getMe`: needed to tell mentions of it and replies to it apart. */
export interface TelegramBotIdentity {
  id: number;
  username: string;
}

export interface TelegramMappingContext {
  accountId: string;
  bot: TelegramBotIdentity;
}

/**
 * Maps a Telegram update to an InboundMessage, or `null` for updates the gateway does not act on
 * (edits, callbacks, joins and other service messages); those are still acknowledged. Values are
 * taken as sent: the inbound pipeline validates every mapped message, so one that can never be
 * stored (`"date": "yesterday"`, a NUL in the text) is acked, counted `invalid` and dropped there.
 * An update whose structure cannot be read at all throws INVALID_INPUT.
 */
export function mapTelegramUpdate(update: Update, context: TelegramMappingContext): InboundMessage | null {
  const message = update.message;
  if (!message) return null;
  if (!isReadable(message)) throw new DomainError(ErrorCode.INVALID_INPUT, 'a message without a readable chat, text or entities');
  const text = message.text ?? message.caption ?? '';
  const attachments = attachmentsOf(message);
  if (text === '' && attachments.length === 0) return null;

  const chatId = String(message.chat.id);
  // In a forum every message in a topic carries message_thread_id; in other supergroups a reply
  // carries one too (the reply chain), which is not a thread we could post into.
  const inTopic = message.is_topic_message === true && message.message_thread_id !== undefined;
  const reply = realReplyOf(message);
  return {
    platform: 'telegram',
    accountId: context.accountId,
    chatId,
    threadId: inTopic ? String(message.message_thread_id) : undefined,
    chatType: chatTypeOf(message, inTopic),
    platformMessageId: `${chatId}:${message.message_id}`,
    sender: senderOf(message),
    text,
    attachments,
    mentionsBot: message.chat.type === 'private' || addressesBot(text, message.entities ?? message.caption_entities ?? [], context.bot),
    repliesToBot: reply?.from?.id === context.bot.id,
    replyToMessageId: reply ? `${chatId}:${reply.message_id}` : undefined,
    // Telegram's own timestamp, so a redelivered update maps to the same message.
    receivedAt: new Date(message.date * 1000),
  };
}

/** The parts the mapping reads into: a chat, and text, caption, entities and photo sizes of the right kinds. */
function isReadable(message: Message): boolean {
  const isObject = (value: unknown) => typeof value === 'object' && value !== null;
  const optional = (value: unknown, ok: (value: unknown) => boolean) => value === undefined || ok(value);
  return (
    isObject(message.chat) &&
    optional(message.text, (value) => typeof value === 'string') &&
    optional(message.caption, (value) => typeof value === 'string') &&
    optional(message.entities, Array.isArray) &&
    optional(message.caption_entities, Array.isArray) &&
    optional(message.photo, Array.isArray)
  );
}

function chatTypeOf(message: Message, inTopic: boolean): ChatType {
  if (message.chat.type === 'private') return 'dm';
  return inTopic ? 'thread' : 'group';
}

function senderOf(message: Message): Sender {
  // Anonymous group admins and linked channels post as a chat; `from` is then a placeholder bot.
  if (message.sender_chat) {
    const chat = message.sender_chat;
    return {
      id: String(chat.id),
      displayName: 'title' in chat ? chat.title : undefined,
      username: 'username' in chat ? chat.username : undefined,
    };
  }
  const from = message.from;
  if (!from) return { id: String(message.chat.id) };
  return {
    id: String(from.id),
    displayName: [from.first_name, from.last_name].filter(Boolean).join(' '),
    username: from.username,
  };
}

/** The message replied to, leaving out the topic-creation message every forum-topic message points at. */
function realReplyOf(message: Message): Message | undefined {
  const reply = message.reply_to_message;
  if (!reply || reply.forum_topic_created) return undefined;
  return reply;
}

function addressesBot(text: string, entities: MessageEntity[], bot: TelegramBotIdentity): boolean {
  const username = bot.username.toLowerCase();
  return entities.some((entity) => {
    const part = text.slice(entity.offset, entity.offset + entity.length).toLowerCase();
    if (entity.type === 'mention') return part === `@${username}`;
    if (entity.type === 'text_mention') return entity.user.id === bot.id;
    // "/cmd@otherbot" is meant for another bot in the group; a bare "/cmd" for every bot.
    if (entity.type === 'bot_command') return part.endsWith(`@${username}`);
    return false;
  });
}

function attachmentsOf(message: Message): Attachment[] {
  const attachments: Attachment[] = [];
  if (message.photo && message.photo.length > 0) {
    const largest = message.photo.reduce((best, size) => (size.width * size.height > best.width * best.height ? size : best));
    attachments.push({ kind: 'image', platformFileId: largest.file_id, mimeType: 'image/jpeg', sizeBytes: largest.file_size });
  }
  if (message.document) {
    const { file_id, file_name, mime_type, file_size } = message.document;
    attachments.push({ kind: 'file', platformFileId: file_id, fileName: file_name, mimeType: mime_type, sizeBytes: file_size });
  }
  if (message.voice) {
    const { file_id, mime_type, file_size } = message.voice;
    attachments.push({ kind: 'voice', platformFileId: file_id, mimeType: mime_type, sizeBytes: file_size });
  }
  if (message.audio) {
    const { file_id, file_name, mime_type, file_size } = message.audio;
    attachments.push({ kind: 'audio', platformFileId: file_id, fileName: file_name, mimeType: mime_type, sizeBytes: file_size });
  }
  if (message.video) {
    const { file_id, file_name, mime_type, file_size } = message.video;
    attachments.push({ kind: 'video', platformFileId: file_id, fileName: file_name, mimeType: mime_type, sizeBytes: file_size });
  }
  return attachments;
}
