import { createHmac } from 'node:crypto';

export const FAKE_DINGTALK_CLIENT_ID = 'dingfakeapp0001';
export const FAKE_DINGTALK_CLIENT_SECRET = 'fake-dingtalk-client-secret-0123456789abcdef';
export const FAKE_DINGTALK_CORP_ID = 'dingfakecorp0001';
export const FAKE_DINGTALK_ROBOT_USER_ID = '$:LWCP_v1:$fakeRobotUserId0001';

/** A user as a robot message names them. */
export interface FakeDingTalkUser {
  /** The user id in the organisation (staff id). */
  staffId: string;
  nick: string;
}

export interface FakeDingTalkMessageSpec {
  from: FakeDingTalkUser;
  /** A group's open conversation id (`cid…`); omitted: a DM with the robot. */
  group?: string;
  text?: string;
  /** Groups: the robot is @-mentioned (DingTalk delivers group messages to a robot only then). */
  mentionsBot?: boolean;
  picture?: { downloadCode: string };
  file?: { downloadCode: string; fileName: string };
  msgId?: string;
  /** When the session webhook stops working, ms since epoch (default: 90 minutes on). */
  sessionWebhookExpiresAt?: number;
}

/** The robot message payload shapes DingTalk sends (Stream frame data and HTTP callback body alike). */
export function robotMessage(spec: FakeDingTalkMessageSpec, sessionWebhookUrl: string, msgId: string): Record<string, unknown> {
  const now = Date.now();
  const dm = spec.group === undefined;
  const base: Record<string, unknown> = {
    conversationId: dm ? `cidDm${encodeId(spec.from.staffId)}==` : spec.group,
    chatbotCorpId: FAKE_DINGTALK_CORP_ID,
    chatbotUserId: FAKE_DINGTALK_ROBOT_USER_ID,
    msgId,
    senderNick: spec.from.nick,
    isAdmin: false,
    senderStaffId: spec.from.staffId,
    sessionWebhookExpiredTime: spec.sessionWebhookExpiresAt ?? now + 90 * 60_000,
    createAt: now,
    senderCorpId: FAKE_DINGTALK_CORP_ID,
    conversationType: dm ? '1' : '2',
    senderId: `$:LWCP_v1:$${encodeId(spec.from.staffId)}`,
    sessionWebhook: sessionWebhookUrl,
    robotCode: FAKE_DINGTALK_CLIENT_ID,
  };
  if (!dm) {
    base.conversationTitle = 'Fake group';
    base.isInAtList = spec.mentionsBot ?? true;
    base.atUsers = spec.mentionsBot === false ? [] : [{ dingtalkId: FAKE_DINGTALK_ROBOT_USER_ID }];
  }
  // A picture with words is a rich-text message: its parts in order.
  if (spec.picture && spec.text) {
    const richText = [{ text: spec.text }, { type: 'picture', downloadCode: spec.picture.downloadCode, pictureDownloadCode: spec.picture.downloadCode }];
    return { ...base, msgtype: 'richText', content: { richText } };
  }
  if (spec.picture) return { ...base, msgtype: 'picture', content: { downloadCode: spec.picture.downloadCode, pictureDownloadCode: spec.picture.downloadCode } };
  if (spec.file) return { ...base, msgtype: 'file', content: { downloadCode: spec.file.downloadCode, fileName: spec.file.fileName, fileId: `file-${msgId}`, spaceId: '1000' } };
  // DingTalk takes the @robot part out of a group message's text and leaves the space before it.
  return { ...base, msgtype: 'text', text: { content: dm ? (spec.text ?? '') : ` ${spec.text ?? ''}` } };
}

/** The `timestamp` and `sign` headers of an HTTP callback: sign = base64(HMAC-SHA256(secret, timestamp + "\n" + secret)). */
export function callbackHeaders(secret: string, timestamp = Date.now()): { timestamp: string; sign: string } {
  const sign = createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
  return { timestamp: String(timestamp), sign };
}

function encodeId(value: string): string {
  return Buffer.from(value).toString('base64url');
}
