import { DomainError, ErrorCode, type Attachment, type InboundMessage } from '@switchboard/core';

/**
 * Maps a decrypted app callback (flat XML fields) to an InboundMessage, or `null` for what the
 * gateway does not act on (events: subscribe, enter_agent, menu clicks; locations and links).
 * App callbacks come from one user talking to the app, so every message is a direct chat with
 * that user (`FromUserName`). Throws INVALID_INPUT when the fields a message needs are missing.
 */
export function mapCallbackMessage(fields: Record<string, string>, accountId: string): InboundMessage | null {
  const type = fields.MsgType;
  if (type === 'event' || type === 'location' || type === 'link') return null;
  const from = fields.FromUserName;
  const msgId = fields.MsgId;
  if (!from || !msgId || !type) throw new DomainError(ErrorCode.INVALID_INPUT, 'a WeCom callback without FromUserName, MsgId or MsgType');
  const attachments = callbackAttachments(type, fields);
  const text = type === 'text' ? (fields.Content ?? '') : '';
  if (text === '' && attachments.length === 0) return null;
  return {
    platform: 'wecom',
    accountId,
    chatId: from,
    chatType: 'dm',
    platformMessageId: msgId,
    sender: { id: from },
    text,
    attachments,
    mentionsBot: true,
    repliesToBot: false,
    // WeCom's own time, so a callback delivered again maps to the same message.
    receivedAt: new Date(Number(fields.CreateTime) * 1000),
  };
}

function callbackAttachments(type: string, fields: Record<string, string>): Attachment[] {
  const mediaId = fields.MediaId;
  if (!mediaId) return [];
  if (type === 'image') return [{ kind: 'image', platformFileId: mediaId, mimeType: 'image/jpeg' }];
  if (type === 'voice') return [{ kind: 'voice', platformFileId: mediaId, mimeType: fields.Format ? `audio/${fields.Format.toLowerCase()}` : undefined }];
  if (type === 'video') return [{ kind: 'video', platformFileId: mediaId }];
  return [];
}

/** The parts of an AI-bot `aibot_msg_callback` body the gateway reads. */
export interface AibotMessageBody {
  msgid: string;
  chattype: 'single' | 'group';
  chatid?: string;
  from: { userid: string };
  create_time?: number;
  msgtype: string;
  text?: { content: string };
  voice?: { content: string };
  mixed?: { msg_item: { msgtype: string; text?: { content: string } }[] };
}

/**
 * Maps an AI-bot message to an InboundMessage, or `null` for kinds without text (images and
 * files arrive as encrypted URLs valid for five minutes; they are not fetched). In groups the bot
 * receives only messages that @-mention it; a voice message arrives already transcribed.
 */
export function mapAibotMessage(body: AibotMessageBody, accountId: string, now: () => Date = () => new Date()): InboundMessage | null {
  if (typeof body.msgid !== 'string' || typeof body.from?.userid !== 'string') {
    throw new DomainError(ErrorCode.INVALID_INPUT, 'an AI-bot message without msgid or from.userid');
  }
  const text = aibotText(body);
  if (text === '') return null;
  const group = body.chattype === 'group';
  if (group && !body.chatid) throw new DomainError(ErrorCode.INVALID_INPUT, 'an AI-bot group message without chatid');
  return {
    platform: 'wecom',
    accountId,
    chatId: group ? body.chatid! : body.from.userid,
    chatType: group ? 'group' : 'dm',
    platformMessageId: body.msgid,
    sender: { id: body.from.userid },
    text,
    attachments: [],
    mentionsBot: true,
    repliesToBot: false,
    receivedAt: body.create_time ? new Date(body.create_time * 1000) : now(),
  };
}

function aibotText(body: AibotMessageBody): string {
  if (body.msgtype === 'text') return body.text?.content ?? '';
  if (body.msgtype === 'voice') return body.voice?.content ?? '';
  if (body.msgtype === 'mixed') {
    return (body.mixed?.msg_item ?? [])
      .map((item) => (item.msgtype === 'text' ? (item.text?.content ?? '') : ''))
      .filter(Boolean)
      .join('\n');
  }
  return '';
}
