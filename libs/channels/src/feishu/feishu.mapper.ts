import { DomainError, ErrorCode, type Attachment, type AttachmentKind, type ChatType, type InboundMessage } from '@switchboard/core';

/** An event as Feishu/Lark delivers it (schema 2.0), decrypted. */
export interface FeishuEventEnvelope {
  schema?: string;
  header?: { event_id?: string; event_type?: string; token?: string; create_time?: string; app_id?: string };
  event?: { sender?: FeishuSender; message?: FeishuMessage };
}

interface FeishuUserIds {
  open_id?: string;
  union_id?: string;
  user_id?: string;
}

interface FeishuSender {
  sender_id?: FeishuUserIds;
  sender_type?: string;
}

interface FeishuMention {
  key: string;
  id?: FeishuUserIds;
  name?: string;
}

export interface FeishuMessage {
  message_id: string;
  root_id?: string;
  parent_id?: string;
  thread_id?: string;
  create_time: string;
  chat_id: string;
  chat_type: string;
  message_type: string;
  content: string;
  mentions?: FeishuMention[];
}

export interface FeishuMappingContext {
  accountId: string;
  /** The bot's open_id (from /bot/v3/info): a mention of it addresses the bot. */
  botOpenId: string;
}

export const MESSAGE_RECEIVED = 'im.message.receive_v1';

/**
 * Maps an `im.message.receive_v1` event to an InboundMessage, or `null` for events and message
 * types the gateway does not act on (stickers, cards, system messages; other event types); those
 * are still acknowledged. An event whose message cannot be read at all throws INVALID_INPUT.
 */
export function mapFeishuEvent(envelope: FeishuEventEnvelope, context: FeishuMappingContext): InboundMessage | null {
  if (envelope.header?.event_type !== MESSAGE_RECEIVED) return null;
  const message = envelope.event?.message;
  if (!isReadable(message)) throw new DomainError(ErrorCode.INVALID_INPUT, 'an im.message.receive_v1 event without a readable message');
  // Messages the bot (or another app) sent come back as events in some setups: never answer them.
  if (envelope.event?.sender?.sender_type !== 'user') return null;
  const content = parseContent(message.content);
  const mentions = message.mentions ?? [];
  const { text, attachments } = readContent(message, content, mentions);
  if (text === '' && attachments.length === 0) return null;

  const inThread = Boolean(message.thread_id && message.root_id);
  const ids = envelope.event?.sender?.sender_id ?? {};
  return {
    platform: 'feishu',
    accountId: context.accountId,
    chatId: message.chat_id,
    // Replying to the root message with reply_in_thread posts into the thread.
    threadId: inThread ? message.root_id : undefined,
    chatType: chatTypeOf(message.chat_type, inThread),
    platformMessageId: message.message_id,
    sender: { id: ids.open_id ?? ids.union_id ?? 'unknown' },
    text,
    attachments,
    mentionsBot: message.chat_type === 'p2p' || mentions.some((mention) => mention.id?.open_id === context.botOpenId),
    // The event does not say who wrote the message replied to: the adapter asks Feishu when it matters.
    repliesToBot: false,
    replyToMessageId: message.parent_id || undefined,
    receivedAt: new Date(Number(message.create_time)),
  };
}

function isReadable(message: FeishuMessage | undefined): message is FeishuMessage {
  if (typeof message !== 'object' || message === null) return false;
  const strings = [message.message_id, message.chat_id, message.chat_type, message.message_type, message.content, message.create_time];
  return strings.every((value) => typeof value === 'string') && (message.mentions === undefined || Array.isArray(message.mentions));
}

function chatTypeOf(chatType: string, inThread: boolean): ChatType {
  if (chatType === 'p2p') return 'dm';
  return inThread ? 'thread' : 'group';
}

function parseContent(raw: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new DomainError(ErrorCode.INVALID_INPUT, 'message content is not a JSON object');
}

function readContent(message: FeishuMessage, content: Record<string, unknown>, mentions: FeishuMention[]): { text: string; attachments: Attachment[] } {
  const file = (kind: AttachmentKind, key: unknown, fileName?: unknown): Attachment[] =>
    typeof key === 'string' ? [{ kind, platformFileId: resourceId(message.message_id, key), fileName: typeof fileName === 'string' ? fileName : undefined }] : [];
  switch (message.message_type) {
    case 'text':
      return { text: withMentionNames(typeof content.text === 'string' ? content.text : '', mentions), attachments: [] };
    case 'image':
      return { text: '', attachments: file('image', content.image_key) };
    case 'file':
      return { text: '', attachments: file('file', content.file_key, content.file_name) };
    case 'audio':
      return { text: '', attachments: file('audio', content.file_key) };
    case 'media':
      return { text: '', attachments: file('video', content.file_key, content.file_name) };
    case 'post':
      return readPost(message.message_id, content, mentions);
    default:
      return { text: '', attachments: [] };
  }
}

type PostElement = { tag?: string; text?: string; href?: string; user_id?: string; user_name?: string; image_key?: string };

/** Rich text: its title and paragraphs as lines of plain text, its images as attachments. */
function readPost(messageId: string, content: Record<string, unknown>, mentions: FeishuMention[]): { text: string; attachments: Attachment[] } {
  // Events carry the post itself; the message API wraps it in a locale (zh_cn, en_us, ...).
  const post = Array.isArray(content.content) ? content : (Object.values(content).find((value) => typeof value === 'object' && value !== null) as Record<string, unknown> | undefined);
  const paragraphs = Array.isArray(post?.content) ? (post.content as unknown[]) : [];
  const lines: string[] = typeof post?.title === 'string' && post.title ? [post.title] : [];
  const attachments: Attachment[] = [];
  for (const paragraph of paragraphs) {
    if (!Array.isArray(paragraph)) continue;
    let line = '';
    for (const element of paragraph as PostElement[]) {
      if (element.tag === 'text' || element.tag === 'a' || element.tag === 'code_block') line += element.text ?? '';
      else if (element.tag === 'at') line += withMentionNames(element.user_id ?? '', mentions) || `@${element.user_name ?? ''}`;
      else if (element.tag === 'img' && element.image_key) attachments.push({ kind: 'image', platformFileId: resourceId(messageId, element.image_key) });
    }
    if (line.trim()) lines.push(line.trim());
  }
  return { text: lines.join('\n'), attachments };
}

/** Feishu writes mentions as placeholders (`@_user_1`); the text shows them as `@Name`. */
function withMentionNames(text: string, mentions: FeishuMention[]): string {
  let result = text;
  for (const mention of mentions) {
    if (mention.key) result = result.split(mention.key).join(`@${mention.name ?? ''}`);
  }
  return result.trim();
}

/** A resource is fetched by its message and its key: both go into the platform file id. */
export function resourceId(messageId: string, fileKey: string): string {
  return `${messageId}/${fileKey}`;
}

export function parseResourceId(platformFileId: string): { messageId: string; fileKey: string } {
  const [messageId, fileKey, ...rest] = platformFileId.split('/');
  if (!messageId || !fileKey || rest.length > 0) throw new DomainError(ErrorCode.INVALID_INPUT, `Not a Feishu resource id: ${platformFileId}`);
  return { messageId, fileKey };
}
