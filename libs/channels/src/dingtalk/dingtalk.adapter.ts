import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { Logger } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  isDomainError,
  type Attachment,
  type ChannelAdapter,
  type ChannelCapabilities,
  type ChannelRunEvents,
  type ChatTarget,
  type InboundSink,
  type LongConnection,
  type OutboundAttachment,
  type OutboundMessage,
  type SentMessage,
  type WebhookRequest,
  type WebhookResponse,
} from '@switchboard/core';
import { outboundAttachmentBytes, sendTextThenFiles } from '../outbound-attachment';
import { DingTalkApi } from './dingtalk.api';
import { mapDingTalkMessage, type DingTalkRobotMessage, type DingTalkSessionWebhook, type MappedDingTalkMessage } from './dingtalk.mapper';
import { MAX_ROBOT_FILE_BYTES, robotFileMessage, robotFileOf, type RobotFile } from './dingtalk.robot-file';
import { createDingTalkStream, type DingTalkStream, type DWClientDownStream } from './dingtalk.stream';

/** The `dingtalk` config section, as far as the adapter needs it. */
export interface DingTalkAdapterOptions {
  clientId: string;
  clientSecret: string;
  mode: 'stream' | 'webhook';
  /** OpenAPI server; defaults to https://api.dingtalk.com. */
  apiRoot?: string;
  /** The older API server, for the media upload of files sent; defaults to https://oapi.dingtalk.com. */
  oapiRoot?: string;
  /** Set: replies stream into an AI card of this template (its `content` variable). */
  cardTemplateId?: string;
  /** Largest inbound file downloaded (DINGTALK_MAX_DOWNLOAD_BYTES). */
  maxDownloadBytes?: number;
  /** Defaults to `default`. */
  accountId?: string;
}

const DEFAULT_API_ROOT = 'https://api.dingtalk.com';
const DEFAULT_OAPI_ROOT = 'https://oapi.dingtalk.com';
const DEFAULT_MAX_DOWNLOAD_BYTES = 10 * 1024 * 1024;
/** DingTalk refuses a callback whose timestamp is more than an hour off; so do we. */
const MAX_CALLBACK_SKEW_MS = 60 * 60_000;
/** A session webhook this close to its expiry is not used: the post could arrive after it. */
const SESSION_WEBHOOK_MARGIN_MS = 60_000;
/** Session webhooks remembered (one per chat, the latest); the oldest are forgotten first. */
const MAX_SESSION_WEBHOOKS = 10_000;
/** Text messages are kept to 5,000 characters: a conservative figure, DingTalk states no firm limit for robot text. */
const MAX_TEXT_LENGTH = 5_000;
const CARD_PREFIX = 'card:';
const CARD_CONTENT_KEY = 'content';

export class DingTalkAdapter implements ChannelAdapter {
  readonly id = 'dingtalk';
  readonly capabilities: ChannelCapabilities;
  /** Stream mode is one WebSocket per app: one replica holds it, under a lease. */
  readonly longConnection: LongConnection | undefined;

  private readonly logger = new Logger(DingTalkAdapter.name);
  private readonly api: DingTalkApi;
  readonly accountId: string;
  private readonly sessionWebhooks = new Map<string, DingTalkSessionWebhook>();
  private readonly inFlight = new Set<Promise<void>>();
  private client: DingTalkStream | undefined;
  private sink: InboundSink | undefined;
  private stopping = new AbortController();

  constructor(private readonly options: DingTalkAdapterOptions) {
    this.accountId = options.accountId ?? 'default';
    this.longConnection = options.mode === 'stream' ? { account: this.accountId, kind: 'stream' } : undefined;
    this.api = new DingTalkApi({
      apiRoot: options.apiRoot ?? DEFAULT_API_ROOT,
      oapiRoot: options.oapiRoot ?? DEFAULT_OAPI_ROOT,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
    });
    this.capabilities = {
      // Only an AI card can change after it was sent; plain robot messages cannot be edited.
      edit: options.cardTemplateId !== undefined,
      typing: false,
      threads: false,
      reactions: false,
      files: true,
      images: true,
      voice: false,
      maxTextLength: MAX_TEXT_LENGTH,
    };
  }

  async start(sink: InboundSink, events?: ChannelRunEvents): Promise<void> {
    // Credentials first: a wrong secret fails here with AUTH_FAILED rather than as a socket that never opens.
    // Replaced before the first await, so a stop() while starting is seen by every later step.
    const stopping = (this.stopping = new AbortController());
    await this.api.refresh();
    if (stopping.signal.aborted) return;
    this.sink = sink;
    if (this.options.mode === 'webhook') return;
    const client: DingTalkStream = await createDingTalkStream({
      apiRoot: this.options.apiRoot ?? DEFAULT_API_ROOT,
      clientId: this.options.clientId,
      clientSecret: this.options.clientSecret,
      onRobotMessage: (frame) => this.track(this.receiveFrame(client, frame)),
      // The supervisor stops this adapter and starts it again (a new ticket, a new socket), with backoff.
      onLost: (reason) => events?.connectionLost(reason),
    });
    if (stopping.signal.aborted) return;
    this.client = client;
    await client.open();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.sink = undefined;
    // Messages being stored are acked before the connection closes; later frames wait for redelivery.
    await Promise.all([...this.inFlight]);
    this.client?.close();
    this.client = undefined;
  }

  async handleWebhook(request: WebhookRequest): Promise<WebhookResponse> {
    const refusal = this.whyForged(request.headers);
    if (refusal) {
      this.logger.warn(`DingTalk callback refused (${refusal}); nothing stored`);
      return { status: 401, body: { error: 'invalid signature' } };
    }
    const sink = this.sink;
    if (!sink) return { status: 503, body: { error: 'not receiving' } };
    const payload = parseJson(request.rawBody);
    if (!payload) return { status: 400, body: { error: 'expected a DingTalk robot message' } };
    const mapped = this.mapOrDrop(payload);
    if (!mapped) return { status: 200, body: {} };
    try {
      await sink(mapped.message);
      return { status: 200, body: {} };
    } catch (error) {
      const retryable = isDomainError(error) && error.retryable;
      this.logger.warn(`DingTalk message ${mapped.message.platformMessageId} not stored, asking DingTalk to retry: ${String(error)}`);
      return { status: retryable ? 503 : 500, body: { error: 'not stored, retry later' } };
    }
  }

  /**
   * The text (an AI card with a template configured), then each file: uploaded, then sent as an
   * image or file message through the robot OpenAPI (session webhooks take no files), its caption
   * after it. A file in a format DingTalk does not take is refused before anything is sent.
   */
  async send(target: ChatTarget, message: OutboundMessage): Promise<SentMessage> {
    const files = (message.attachments ?? []).map(robotFileOf);
    return sendTextThenFiles(message, {
      text: async (text) => (await this.sendWords(target, text)).platformMessageId,
      file: async (attachment, index) => (await this.sendFile(target, attachment, files[index])).platformMessageId,
    });
  }

  /** Replaces an AI card's content (PUT /v1.0/card/streaming), leaving the card complete. */
  async edit(_target: ChatTarget, platformMessageId: string, text: string): Promise<void> {
    if (!platformMessageId.startsWith(CARD_PREFIX)) {
      throw new DomainError(ErrorCode.INVALID_INPUT, `DingTalk text messages cannot be edited: ${platformMessageId}`);
    }
    // Each update is the whole text and final: the adapter cannot know which one is the last.
    await this.api.call('card/streaming', 'PUT', '/v1.0/card/streaming', {
      outTrackId: platformMessageId.slice(CARD_PREFIX.length),
      guid: randomUUID(),
      key: CARD_CONTENT_KEY,
      content: text,
      isFull: true,
      isFinalize: true,
      isError: false,
    });
  }

  async sendTyping(): Promise<void> {
    // DingTalk robots have no typing indicator (capabilities.typing is false).
  }

  /** POST /v1.0/robot/messageFiles/download gives a short-lived URL for the download code. */
  async downloadAttachment(attachment: Attachment): Promise<Buffer> {
    const maxBytes = this.options.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
    const { downloadUrl } = await this.api.call<{ downloadUrl?: string }>('messageFiles/download', 'POST', '/v1.0/robot/messageFiles/download', {
      downloadCode: attachment.platformFileId,
      robotCode: this.options.clientId,
    });
    if (!downloadUrl) throw new DomainError(ErrorCode.TEMPORARY, 'DingTalk messageFiles/download gave no downloadUrl');
    const { data, tooLarge } = await this.api.download('file download', downloadUrl, maxBytes);
    if (tooLarge) throw new DomainError(ErrorCode.INVALID_INPUT, `DingTalk file is larger than ${maxBytes} bytes (DINGTALK_MAX_DOWNLOAD_BYTES)`);
    return data;
  }

  /** A new access token (the credentials work) and, while receiving over Stream mode, the connection's state. */
  async healthProbe(): Promise<Record<string, unknown>> {
    if (this.client && !this.client.connected) throw new DomainError(ErrorCode.TEMPORARY, 'DingTalk Stream connection is down (reconnecting)');
    await this.api.refresh();
    return { clientId: this.options.clientId, mode: this.options.mode, ...(this.client ? { stream: 'connected' } : {}) };
  }

  private track(handling: Promise<void>): void {
    const tracked = handling.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  /**
   * A robot message frame is acked only once the sink stored (or refused) the message: a frame
   * not acked is delivered again by DingTalk, to this replica or the next lease holder.
   */
  private async receiveFrame(client: DingTalkStream, frame: DWClientDownStream): Promise<void> {
    const sink = this.sink;
    const messageId = frame.headers.messageId;
    if (!sink) return;
    const payload = parseJson(Buffer.from(frame.data ?? '', 'utf8'));
    const mapped = payload ? this.mapOrDrop(payload) : undefined;
    if (!mapped) {
      if (!payload) this.logger.warn(`DingTalk frame ${messageId} dropped: its data is not a JSON object`);
      client.socketCallBackResponse(messageId, {});
      return;
    }
    try {
      await sink(mapped.message);
    } catch (error) {
      this.logger.warn(`DingTalk message ${mapped.message.platformMessageId} not stored, left unacked for DingTalk to redeliver: ${String(error)}`);
      return;
    }
    client.socketCallBackResponse(messageId, {});
  }

  /** The mapped message (its session webhook remembered), or undefined for one not acted on or unreadable (acked and dropped). */
  private mapOrDrop(payload: Record<string, unknown>): MappedDingTalkMessage | undefined {
    let mapped: MappedDingTalkMessage | null;
    try {
      mapped = mapDingTalkMessage(payload as unknown as DingTalkRobotMessage, this.accountId);
    } catch (error) {
      this.logger.warn(`DingTalk message dropped, it cannot be read: ${String(error)}`);
      return undefined;
    }
    if (!mapped) return undefined;
    if (mapped.sessionWebhook) this.rememberSessionWebhook(mapped.message.chatId, mapped.sessionWebhook);
    return mapped;
  }

  private rememberSessionWebhook(chatId: string, webhook: DingTalkSessionWebhook): void {
    this.sessionWebhooks.delete(chatId);
    this.sessionWebhooks.set(chatId, webhook);
    if (this.sessionWebhooks.size > MAX_SESSION_WEBHOOKS) this.sessionWebhooks.delete(this.sessionWebhooks.keys().next().value!);
  }

  /**
   * Through the chat's session webhook while it is valid (no access token, no API quota), else
   * the robot OpenAPI. A session webhook that refuses (expired early) is forgotten and the OpenAPI
   * used; one that is rate limited or whose answer was lost is reported as such, not sent twice.
   */
  private async sendText(target: ChatTarget, text: string): Promise<SentMessage> {
    const webhook = this.sessionWebhooks.get(target.chatId);
    if (webhook && webhook.expiresAt - SESSION_WEBHOOK_MARGIN_MS > Date.now()) {
      try {
        await this.api.post('sessionWebhook', webhook.url, { msgtype: 'text', text: { content: text } });
        return { platformMessageId: `session:${randomUUID()}` };
      } catch (error) {
        if (!isDomainError(error) || error.retryable) throw error;
        this.logger.warn(`DingTalk session webhook of ${target.chatId} refused, sending through the OpenAPI: ${error.message}`);
        this.sessionWebhooks.delete(target.chatId);
      }
    }
    return this.sendRobotMessage(target, 'sampleText', { content: text });
  }

  /** Uploads the file (media/upload), then sends the image or file message that shows it. */
  private async sendFile(target: ChatTarget, attachment: OutboundAttachment, file: RobotFile): Promise<SentMessage> {
    const data = await outboundAttachmentBytes(attachment);
    if (data.length > MAX_ROBOT_FILE_BYTES) throw new DomainError(ErrorCode.INVALID_INPUT, `${attachment.fileName} is larger than the 20 MB DingTalk takes`);
    const mediaId = await this.api.upload(file.uploadType, { fileName: attachment.fileName, mimeType: attachment.mimeType, data });
    const { msgKey, msgParam } = robotFileMessage(file, mediaId, attachment.fileName);
    return this.sendRobotMessage(target, msgKey, msgParam);
  }

  /** A text as configured: an AI card with a template, else a plain message. */
  private sendWords(target: ChatTarget, text: string): Promise<SentMessage> {
    return this.options.cardTemplateId ? this.sendCard(target, text, this.options.cardTemplateId) : this.sendText(target, text);
  }

  /** One robot message through the OpenAPI: oToMessages/batchSend to a user, groupMessages/send to a group. */
  private async sendRobotMessage(target: ChatTarget, msgKey: string, msgParam: Record<string, string>): Promise<SentMessage> {
    const robotCode = this.options.clientId;
    const answer = isGroupChat(target.chatId)
      ? await this.api.call<{ processQueryKey?: string }>('groupMessages/send', 'POST', '/v1.0/robot/groupMessages/send', {
          robotCode,
          openConversationId: target.chatId,
          msgKey,
          msgParam: JSON.stringify(msgParam),
        })
      : await this.api.call<{ processQueryKey?: string; invalidStaffIdList?: string[] }>('oToMessages/batchSend', 'POST', '/v1.0/robot/oToMessages/batchSend', {
          robotCode,
          userIds: [target.chatId],
          msgKey,
          msgParam: JSON.stringify(msgParam),
        });
    if ((answer as { invalidStaffIdList?: string[] }).invalidStaffIdList?.includes(target.chatId)) {
      throw new DomainError(ErrorCode.PERMANENT, `DingTalk refused user ${target.chatId} (not in the app's visible range)`);
    }
    return { platformMessageId: answer.processQueryKey ?? `openapi:${randomUUID()}` };
  }

  /** Creates an AI card with the text and delivers it to the chat (POST /v1.0/card/instances/createAndDeliver). */
  private async sendCard(target: ChatTarget, text: string, cardTemplateId: string): Promise<SentMessage> {
    const outTrackId = randomUUID();
    const robotCode = this.options.clientId;
    const space = isGroupChat(target.chatId)
      ? {
          openSpaceId: `dtv1.card//IM_GROUP.${target.chatId}`,
          imGroupOpenSpaceModel: { supportForward: true },
          imGroupOpenDeliverModel: { robotCode },
        }
      : {
          openSpaceId: `dtv1.card//IM_ROBOT.${target.chatId}`,
          imRobotOpenSpaceModel: { supportForward: true },
          imRobotOpenDeliverModel: { spaceType: 'IM_ROBOT', robotCode },
        };
    await this.api.call('card/createAndDeliver', 'POST', '/v1.0/card/instances/createAndDeliver', {
      cardTemplateId,
      outTrackId,
      callbackType: 'STREAM',
      cardData: { cardParamMap: { [CARD_CONTENT_KEY]: text } },
      userIdType: 1,
      ...space,
    });
    return { platformMessageId: `${CARD_PREFIX}${outTrackId}` };
  }

  /** Why a callback is not DingTalk's: headers `timestamp` (ms) and `sign` = base64(HMAC-SHA256(secret, timestamp + "\n" + secret)). */
  private whyForged(headers: WebhookRequest['headers']): string | undefined {
    const timestamp = headers.timestamp;
    const sign = headers.sign;
    if (typeof timestamp !== 'string' || typeof sign !== 'string') return 'no timestamp or sign header';
    const sentAt = Number(timestamp);
    if (!/^\d{10,16}$/.test(timestamp) || Math.abs(Date.now() - sentAt) > MAX_CALLBACK_SKEW_MS) return `timestamp ${timestamp} is more than an hour off`;
    const secret = this.options.clientSecret;
    const expected = createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
    // Equal-length digests let timingSafeEqual compare in constant time whatever was sent.
    return timingSafeEqual(sha256(sign), sha256(expected)) ? undefined : 'signature mismatch';
  }
}

/** Group chats are open conversation ids, which DingTalk writes `cid…`; DMs are user ids. */
function isGroupChat(chatId: string): boolean {
  return chatId.startsWith('cid');
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function parseJson(raw: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(raw.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
