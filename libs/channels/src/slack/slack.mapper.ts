import { DomainError, ErrorCode, type Attachment, type AttachmentKind, type ChatType, type InboundMessage } from '@switchboard/core';

/** A file shared in a message, as the Events API describes it. */
export interface SlackFile {
  id: string;
  name?: string;
  mimetype?: string;
  size?: number;
}

/** A `message` or `app_mention` event (the fields the gateway reads). */
export interface SlackMessageEvent {
  type: string;
  subtype?: string;
  channel?: string;
  /** `im`, `mpim`, `channel` or `group`; `app_mention` events have none. */
  channel_type?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts?: string;
  thread_ts?: string;
  files?: SlackFile[];
}

/** An Events API delivery: the body of a POST to the Request URL, or the payload of a Socket Mode envelope. */
export interface SlackEventCallback {
  type: 'event_callback';
  event_id?: string;
  team_id?: string;
  event?: SlackMessageEvent;
}

/** A slash command invocation: form fields of a POST to the Request URL, or a `slash_commands` envelope's payload. */
export interface SlackSlashCommand {
  command?: string;
  text?: string;
  user_id?: string;
  channel_id?: string;
  /** `directmessage` in a DM with the app. */
  channel_name?: string;
  /** Unique per invocation (Slack does not retry slash commands). */
  trigger_id?: string;
}

/** The one command an app needs to register: `/switchboard new` runs the gateway's /new. */
export const SLACK_UMBRELLA_COMMAND = 'switchboard';

export interface SlackMappingContext {
  accountId: string;
  /** The bot's user id (auth.test `user_id`): `<@id>` in a text mentions it, its own messages come back as events. */
  botUserId: string;
}

// Subtypes that are still a person writing to the chat; the rest (edits, deletions, joins, bots) are not answered.
const USER_SUBTYPES = new Set(['file_share', 'thread_broadcast']);

/**
 * Maps a `message` or `app_mention` event to an InboundMessage, or `null` for what the gateway
 * does not act on (other events, edits, bot messages, empty messages); those are still acked.
 * In a channel a mention arrives twice (as `message` and as `app_mention`) with the same `ts`,
 * mapped to the same platformMessageId, so the pipeline keeps one. An event that cannot be read
 * throws INVALID_INPUT.
 */
export function mapSlackEvent(callback: SlackEventCallback, context: SlackMappingContext): InboundMessage | null {
  const event = callback.event;
  if (event?.type !== 'message' && event?.type !== 'app_mention') return null;
  if (event.subtype !== undefined && !USER_SUBTYPES.has(event.subtype)) return null;
  if (event.bot_id !== undefined || event.user === context.botUserId) return null;
  if (!isReadable(event)) throw new DomainError(ErrorCode.INVALID_INPUT, `a ${event.type} event without channel, user and ts`);
  const attachments = (event.files ?? []).map(attachmentOf);
  const text = plainText(event.text ?? '');
  if (text === '' && attachments.length === 0) return null;

  const chatType = chatTypeOf(event);
  // A reply in a thread carries its root's ts: the thread is a session of its own, and replies go there.
  const inThread = event.thread_ts !== undefined && event.thread_ts !== event.ts;
  return {
    platform: 'slack',
    accountId: context.accountId,
    chatId: event.channel,
    threadId: inThread ? event.thread_ts : undefined,
    chatType: chatType === 'group' && inThread ? 'thread' : chatType,
    platformMessageId: `${event.channel}:${event.ts}`,
    sender: { id: event.user },
    text,
    attachments,
    mentionsBot: chatType === 'dm' || event.type === 'app_mention' || (event.text ?? '').includes(`<@${context.botUserId}>`),
    // Slack has no replies to one message outside threads, and an event does not say who began
    // its thread: in a channel, a message addresses the bot by mentioning it.
    repliesToBot: false,
    receivedAt: new Date(Number(event.ts) * 1000),
  };
}

/**
 * Maps a slash command to the chat command it stands for: `/new x` (a command registered under
 * the gateway's own name) or `/switchboard new x` (the umbrella command) both become the text
 * `/new x`, said by the invoking user in the invoking chat, addressed to the bot. Slack takes a
 * message that starts with `/` as a slash command, so this is how Slack users reach the gateway's
 * commands. A payload without command, user, channel or trigger id throws INVALID_INPUT.
 */
export function mapSlackSlashCommand(payload: SlackSlashCommand, context: SlackMappingContext, now = new Date()): InboundMessage {
  const { command, user_id: user, channel_id: channel, trigger_id: trigger } = payload;
  if (!command || !/^\/[a-z0-9_-]{1,32}$/i.test(command) || !user || !channel || !trigger) {
    throw new DomainError(ErrorCode.INVALID_INPUT, 'a slash command without command, user_id, channel_id or trigger_id');
  }
  const name = command.slice(1).toLowerCase();
  const args = plainText(payload.text ?? '');
  const text = name === SLACK_UMBRELLA_COMMAND ? `/${args || 'help'}` : `/${name}${args ? ` ${args}` : ''}`;
  return {
    platform: 'slack',
    accountId: context.accountId,
    chatId: channel,
    chatType: payload.channel_name === 'directmessage' || channel.startsWith('D') ? 'dm' : 'group',
    platformMessageId: `${channel}:command:${trigger}`,
    sender: { id: user },
    text,
    attachments: [],
    mentionsBot: true,
    repliesToBot: false,
    receivedAt: now,
  };
}

function isReadable(event: SlackMessageEvent): event is SlackMessageEvent & { channel: string; user: string; ts: string } {
  const strings = [event.channel, event.user, event.ts].every((value) => typeof value === 'string' && value !== '');
  return strings && Number.isFinite(Number(event.ts)) && (event.files === undefined || Array.isArray(event.files));
}

function chatTypeOf(event: SlackMessageEvent): ChatType {
  // app_mention events name no channel_type; direct message channel ids start with D.
  const direct = event.channel_type === undefined ? event.channel?.startsWith('D') : event.channel_type === 'im';
  return direct ? 'dm' : 'group';
}

function attachmentOf(file: SlackFile): Attachment {
  if (typeof file?.id !== 'string') throw new DomainError(ErrorCode.INVALID_INPUT, 'a shared file without an id');
  return { kind: kindOf(file.mimetype), platformFileId: file.id, fileName: file.name, mimeType: file.mimetype, sizeBytes: file.size };
}

function kindOf(mimeType: string | undefined): AttachmentKind {
  if (mimeType?.startsWith('image/')) return 'image';
  if (mimeType?.startsWith('audio/')) return 'audio';
  if (mimeType?.startsWith('video/')) return 'video';
  return 'file';
}

/**
 * Slack's markup as plain text: `<@U1>` → `@U1`, `<#C1|general>` → `#general`,
 * `<https://x|label>` → `label (https://x)`, and the three escaped characters back.
 */
export function plainText(text: string): string {
  return text
    .replace(/<([^<>]+)>/g, (_whole, inner: string) => {
      const [target, label] = inner.split('|', 2);
      if (target.startsWith('@')) return label ? `@${label}` : target;
      if (target.startsWith('#')) return `#${label ?? target.slice(1)}`;
      if (target.startsWith('!')) return `@${label ?? target.slice(1).split('^')[0]}`;
      return label && label !== target ? `${label} (${target})` : target;
    })
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .trim();
}

/** Text for chat.postMessage / chat.update: Slack reads `&`, `<` and `>` as markup, so they are escaped. */
export function slackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
