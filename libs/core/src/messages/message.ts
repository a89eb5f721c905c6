/** Where a message was said: a direct chat, a group, or a thread (topic) inside a group. */
export type ChatType = 'dm' | 'group' | 'thread';

export type AttachmentKind = 'image' | 'file' | 'audio' | 'voice' | 'video';

/** A file that came with a message; the content stays on the platform until someone needs it. */
export interface Attachment {
  kind: AttachmentKind;
  /** The platform's handle to download it (Telegram file_id, Slack file id, ...). */
  platformFileId: string;
  fileName?: string;
  mimeType?: string;
  sizeBytes?: number;
}

export interface Sender {
  id: string;
  displayName?: string;
  username?: string;
}

/** Where to send: a chat and optionally a thread in it. */
export interface ChatTarget {
  platform: string;
  accountId: string;
  chatId: string;
  threadId?: string;
}

/** A message as every channel adapter maps it, whatever the platform. */
export interface InboundMessage extends ChatTarget {
  chatType: ChatType;
  /** Unique per platform account: a redelivered message has the same id. */
  platformMessageId: string;
  sender: Sender;
  text: string;
  attachments: Attachment[];
  /** The bot was @-mentioned (or addressed by a command meant for it). */
  mentionsBot: boolean;
  /** The message replies to one of the bot's messages. */
  repliesToBot: boolean;
  replyToMessageId?: string;
  receivedAt: Date;
}

/** A file to send: bytes in hand, or a platform handle / URL the platform can fetch. */
export interface OutboundAttachment {
  kind: AttachmentKind;
  fileName: string;
  mimeType?: string;
  data?: Buffer;
  url?: string;
  caption?: string;
}

export interface OutboundMessage {
  text: string;
  replyToMessageId?: string;
  attachments?: OutboundAttachment[];
}

/** What the platform said about a message it accepted. */
export interface SentMessage {
  platformMessageId: string;
}
