import { DomainError, ErrorCode, type Attachment, type InboundMessage } from '@switchboard/core';

/**
 * A robot message as DingTalk sends it, over Stream mode (the frame's `data`) and to the HTTP
 * callback (the body) alike. Only the fields the gateway reads.
 */
export interface DingTalkRobotMessage {
  msgId: string;
  msgtype: string;
  /** "1": a one-to-one chat with the robot; "2": a group. */
  conversationType: string;
  conversationId: string;
  conversationTitle?: string;
  senderId: string;
  senderNick?: string;
  /** The sender's user id in the organisation (absent for users from other organisations). */
  senderStaffId?: string;
  chatbotUserId?: string;
  robotCode?: string;
  /** In groups: the robot was @-mentioned (DingTalk delivers a group message to a robot only then). */
  isInAtList?: boolean;
  atUsers?: { dingtalkId: string; staffId?: string }[];
  createAt: number;
  /** A URL that posts into this conversation without an access token, until `sessionWebhookExpiredTime` (ms). */
  sessionWebhook?: string;
  sessionWebhookExpiredTime?: number;
  text?: { content?: string };
  content?: DingTalkContent;
}

interface DingTalkContent {
  downloadCode?: string;
  pictureDownloadCode?: string;
  fileName?: string;
  recognition?: string;
  richText?: { text?: string; type?: string; downloadCode?: string; pictureDownloadCode?: string }[];
}

/** Where a reply to a message can go without the OpenAPI, and until when. */
export interface DingTalkSessionWebhook {
  url: string;
  expiresAt: number;
}

export interface MappedDingTalkMessage {
  message: InboundMessage;
  sessionWebhook?: DingTalkSessionWebhook;
}

export const DM_CONVERSATION = '1';

/**
 * Maps a robot message to an InboundMessage, or null for kinds the gateway does not act on. A DM's
 * chat id is the sender's user id and a group's its conversation id: what the robot OpenAPI
 * sends to (oToMessages takes user ids, groupMessages the open conversation id), so a reply can go
 * out when the session webhook is gone. Throws INVALID_INPUT on a payload without its ids.
 */
export function mapDingTalkMessage(payload: DingTalkRobotMessage, accountId: string): MappedDingTalkMessage | null {
  if (!isReadable(payload)) throw new DomainError(ErrorCode.INVALID_INPUT, 'a robot message without msgId, conversation or sender');
  const { text, attachments } = contentOf(payload);
  if (text === '' && attachments.length === 0) return null;
  const dm = payload.conversationType === DM_CONVERSATION;
  const senderId = payload.senderStaffId || payload.senderId;
  const message: InboundMessage = {
    platform: 'dingtalk',
    accountId,
    chatId: dm ? senderId : payload.conversationId,
    chatType: dm ? 'dm' : 'group',
    platformMessageId: payload.msgId,
    sender: { id: senderId, displayName: payload.senderNick },
    text,
    attachments,
    mentionsBot: dm || mentionsRobot(payload),
    // A robot message says nothing of what it quotes.
    repliesToBot: false,
    // DingTalk's own timestamp, so a redelivered message maps to the same message.
    receivedAt: new Date(payload.createAt),
  };
  const sessionWebhook =
    payload.sessionWebhook && payload.sessionWebhookExpiredTime
      ? { url: payload.sessionWebhook, expiresAt: payload.sessionWebhookExpiredTime }
      : undefined;
  return { message, sessionWebhook };
}

function isReadable(payload: DingTalkRobotMessage): boolean {
  const text = (value: unknown) => typeof value === 'string' && value !== '';
  return (
    typeof payload === 'object' &&
    payload !== null &&
    text(payload.msgId) &&
    text(payload.conversationId) &&
    text(payload.conversationType) &&
    (text(payload.senderStaffId) || text(payload.senderId)) &&
    typeof payload.createAt === 'number'
  );
}

function mentionsRobot(payload: DingTalkRobotMessage): boolean {
  if (payload.isInAtList !== undefined) return payload.isInAtList;
  return (payload.atUsers ?? []).some((user) => user.dingtalkId === payload.chatbotUserId);
}

function contentOf(payload: DingTalkRobotMessage): { text: string; attachments: Attachment[] } {
  const content = payload.content ?? {};
  switch (payload.msgtype) {
    case 'text':
      // In groups the @robot part is taken out of the text, leaving its spaces.
      return { text: (payload.text?.content ?? '').trim(), attachments: [] };
    case 'picture':
      return { text: '', attachments: download('image', content.downloadCode ?? content.pictureDownloadCode) };
    case 'file':
      return { text: '', attachments: download('file', content.downloadCode, content.fileName) };
    case 'audio':
      // DingTalk transcribes voice messages itself.
      return { text: (content.recognition ?? '').trim(), attachments: download('voice', content.downloadCode) };
    case 'video':
      return { text: '', attachments: download('video', content.downloadCode) };
    case 'richText': {
      const parts = content.richText ?? [];
      const text = parts.map((part) => part.text ?? '').join('').trim();
      const images = parts.flatMap((part) => (part.type === 'picture' ? download('image', part.downloadCode ?? part.pictureDownloadCode) : []));
      return { text, attachments: images };
    }
    default:
      return { text: '', attachments: [] };
  }
}

function download(kind: Attachment['kind'], downloadCode: string | undefined, fileName?: string): Attachment[] {
  return downloadCode ? [{ kind, platformFileId: downloadCode, fileName }] : [];
}
