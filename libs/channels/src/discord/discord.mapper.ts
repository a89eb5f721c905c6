import { DomainError, ErrorCode, type Attachment, type AttachmentKind, type InboundMessage, type Sender } from '@switchboard/core';
import { ChannelType, MessageFlags, MessageType, type APIAttachment, type APIUser, type GatewayMessageCreateDispatchData } from 'discord.js';

/** Who the bot is, from the gateway's READY: needed to tell mentions of it and replies to it apart. */
export interface DiscordBotIdentity {
  id: string;
  username: string;
}

export interface DiscordMappingContext {
  accountId: string;
  bot: DiscordBotIdentity;
  /** The parent channel of a thread the client knows (from GUILD_CREATE / THREAD_CREATE); undefined for other channels. */
  threadParentOf(channelId: string): string | undefined;
}

// What people write; joins, pins, boosts and other system messages are not.
const USER_MESSAGE_TYPES = new Set<MessageType>([MessageType.Default, MessageType.Reply]);

/**
 * Maps a gateway MESSAGE_CREATE to an InboundMessage, or `null` for messages the gateway does
 * not act on: the bot's own, other bots' and webhooks', system messages, and empty ones. A guild
 * message in a thread is mapped to the thread's parent channel with the thread as `threadId`, so
 * `DISCORD_ALLOWED_GROUPS` names channels (their threads included) and each thread is a session
 * of its own. Values are taken as sent (the inbound pipeline validates every mapped message); a
 * payload whose structure cannot be read throws INVALID_INPUT.
 */
export function mapDiscordMessage(message: GatewayMessageCreateDispatchData, context: DiscordMappingContext): InboundMessage | null {
  if (!isReadable(message)) throw new DomainError(ErrorCode.INVALID_INPUT, 'a MESSAGE_CREATE without a readable id, channel, author, content or attachments');
  if (message.author.bot || message.webhook_id !== undefined) return null;
  if (!USER_MESSAGE_TYPES.has(message.type)) return null;
  const attachments = message.attachments.map((attachment) => attachmentOf(attachment, message.flags));
  const text = textOf(message.content, context.bot);
  if (text.trim() === '' && attachments.length === 0) return null;

  const inGuild = message.guild_id !== undefined;
  const reference = message.message_reference?.message_id;
  return {
    platform: 'discord',
    accountId: context.accountId,
    ...placeOf(message.channel_id, {
      guildId: message.guild_id,
      parentId: inGuild ? context.threadParentOf(message.channel_id) : undefined,
      // A bot cannot be added to a group DM, but the payload can say one.
      channelType: (message as { channel_type?: ChannelType }).channel_type,
    }),
    platformMessageId: message.id,
    sender: senderOf(message.author),
    text,
    attachments,
    // A direct message is always meant for the bot; in a guild, only a mention of the bot user is.
    mentionsBot: !inGuild || message.mentions.some((user) => user.id === context.bot.id),
    repliesToBot: message.referenced_message?.author?.id === context.bot.id,
    replyToMessageId: reference,
    // Discord's own timestamp, so a message replayed on RESUME maps to the same message.
    receivedAt: new Date(message.timestamp),
  };
}

function isReadable(message: GatewayMessageCreateDispatchData): boolean {
  const value = message as unknown as Record<string, unknown>;
  const author = value.author as Record<string, unknown> | null | undefined;
  return (
    typeof value.id === 'string' &&
    typeof value.channel_id === 'string' &&
    typeof author === 'object' &&
    author !== null &&
    typeof author.id === 'string' &&
    typeof value.content === 'string' &&
    Array.isArray(value.attachments) &&
    Array.isArray(value.mentions)
  );
}

/** Where a message or a command was written, as the channel of a guild, a DM or a thread. */
export interface DiscordPlace {
  /** Unset in direct messages. */
  guildId: string | undefined;
  /** The channel a thread belongs to; unset for other channels. */
  parentId: string | undefined;
  channelType: ChannelType | undefined;
}

/**
 * The chat of a channel: in a guild, a thread is mapped to its parent channel with the thread as
 * `threadId`, so `DISCORD_ALLOWED_GROUPS` names channels (their threads included) and each thread
 * is a session of its own.
 */
export function placeOf(channelId: string, place: DiscordPlace): Pick<InboundMessage, 'chatId' | 'threadId' | 'chatType'> {
  if (place.guildId === undefined) return { chatId: channelId, threadId: undefined, chatType: place.channelType === ChannelType.GroupDM ? 'group' : 'dm' };
  if (place.parentId !== undefined) return { chatId: place.parentId, threadId: channelId, chatType: 'thread' };
  return { chatId: channelId, threadId: undefined, chatType: 'group' };
}

export function senderOf(user: APIUser): Sender {
  return { id: user.id, displayName: user.global_name ?? user.username, username: user.username };
}

/**
 * The content with the bot's mentions (`<@id>`, or the older `<@!id>`) as people read them: one
 * that opens the message is the way to address the bot in a channel and is dropped, so that
 * `@bot /status` is a command; others become `@name`.
 */
function textOf(content: string, bot: DiscordBotIdentity): string {
  const mention = `<@!?${bot.id}>`;
  return content.replace(new RegExp(`^\\s*${mention}\\s*`), '').replace(new RegExp(mention, 'g'), `@${bot.username}`);
}

function attachmentOf(attachment: APIAttachment, flags: MessageFlags | undefined): Attachment {
  return {
    kind: kindOf(attachment.content_type, flags),
    // The CDN URL: signed by Discord, it is what downloadAttachment fetches.
    platformFileId: attachment.url,
    fileName: attachment.filename,
    mimeType: attachment.content_type,
    sizeBytes: attachment.size,
  };
}

function kindOf(contentType: string | undefined, flags: MessageFlags | undefined): AttachmentKind {
  const type = contentType ?? '';
  if (type.startsWith('image/')) return 'image';
  if (type.startsWith('audio/')) return flags !== undefined && (flags & MessageFlags.IsVoiceMessage) !== 0 ? 'voice' : 'audio';
  if (type.startsWith('video/')) return 'video';
  return 'file';
}
