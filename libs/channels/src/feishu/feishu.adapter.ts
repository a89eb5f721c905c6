import { Logger } from '@nestjs/common';
import * as lark from '@larksuiteoapi/node-sdk';
import {
  DomainError,
  ErrorCode,
  formatBytes,
  isDomainError,
  type Attachment,
  type ChannelAdapter,
  type ChannelCapabilities,
  type ChannelRunEvents,
  type ChatTarget,
  type InboundMessage,
  type InboundSink,
  type LongConnection,
  type OutboundMessage,
  type SentMessage,
  type WebhookRequest,
  type WebhookResponse,
} from '@switchboard/core';
import { TokenCache, callFeishu, sdkDomain, sdkLogger } from './feishu.api';
import { FeishuCards } from './feishu.cards';
import { FeishuReplies } from './feishu.replies';
import { MESSAGE_RECEIVED, mapFeishuEvent, parseResourceId, type FeishuEventEnvelope } from './feishu.mapper';
import { isRefusal, openDelivery } from './feishu.webhook';

/** The `feishu` config section, as far as the adapter needs it. */
export interface FeishuAdapterOptions {
  appId: string;
  appSecret: string;
  mode: 'websocket' | 'webhook';
  /** `feishu`, `lark`, or a base URL. */
  domain: string;
  /** Required in webhook mode. */
  verificationToken?: string;
  encryptKey?: string;
  /** Defaults to `default`. */
  accountId?: string;
  /** Largest inbound file downloaded; Feishu serves at most 100 MB. */
  maxDownloadBytes?: number;
  /** How replies stream: `edit` (text messages edited in place, the default) or `cardkit` (streaming cards). */
  streaming?: 'edit' | 'cardkit';
  /**
   * Longest wait for the long connection to come up at start (default 10 s). Then the start fails
   * and the channel's runner tries again with its backoff: after a failed first connect the SDK's
   * own retry can be minutes away.
   */
  connectTimeoutMs?: number;
}

// Feishu limits a text message's request body to 150 KB. The text travels as JSON inside JSON
// (`content: "{\"text\":...}"`), where a quote, backslash or line break takes 3-4 bytes: half
// the limit leaves room for that.
const MAX_TEXT_BYTES = 75_000;
// A card is limited to a 30 KB request body.
const MAX_CARD_TEXT_BYTES = 25_000;
// Feishu refuses the 21st edit of a message (230072).
const MAX_EDITS = 20;
const DEFAULT_MAX_DOWNLOAD_BYTES = 10 * 1024 * 1024;

export class FeishuAdapter implements ChannelAdapter {
  readonly id = 'feishu';
  readonly capabilities: ChannelCapabilities;
  /** The long connection is one per app: one replica holds it, under a lease. */
  readonly longConnection: LongConnection | undefined;

  private readonly logger = new Logger(FeishuAdapter.name);
  private readonly tokens = new TokenCache();
  private readonly client: lark.Client;
  private readonly replies: FeishuReplies;
  readonly accountId: string;
  private botOpenId: string | undefined;
  private sink: InboundSink | undefined;
  private socket: lark.WSClient | undefined;
  private stopping = new AbortController();
  /** Events handed to the sink and not yet answered: stop() waits for them. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: FeishuAdapterOptions) {
    if (options.mode === 'webhook' && !options.verificationToken) {
      throw new DomainError(ErrorCode.INVALID_INPUT, 'Feishu webhook mode needs a verificationToken');
    }
    this.accountId = options.accountId ?? 'default';
    this.longConnection = options.mode === 'websocket' ? { account: this.accountId, kind: 'websocket' } : undefined;
    this.client = new lark.Client({
      appId: options.appId,
      appSecret: options.appSecret,
      appType: lark.AppType.SelfBuild,
      domain: sdkDomain(options.domain),
      cache: this.tokens,
      logger: sdkLogger('FeishuSdk'),
      loggerLevel: lark.LoggerLevel.warn,
    });
    const cards = options.streaming === 'cardkit';
    this.capabilities = {
      edit: true,
      // Feishu has no typing indicator for bots.
      typing: false,
      threads: true,
      reactions: false,
      files: true,
      images: true,
      voice: false,
      maxTextLength: cards ? MAX_CARD_TEXT_BYTES : MAX_TEXT_BYTES,
      maxTextUnit: 'bytes',
      // CardKit counts no updates (it allows 10 a second per card).
      maxEditsPerMessage: cards ? undefined : MAX_EDITS,
    };
    this.replies = new FeishuReplies(this.client, this.tokens, MAX_EDITS, cards ? new FeishuCards(this.client, this.tokens) : undefined);
  }

  async start(sink: InboundSink, events?: ChannelRunEvents): Promise<void> {
    const stopping = (this.stopping = new AbortController());
    const bot = await this.botInfo();
    if (stopping.signal.aborted) return;
    this.botOpenId = bot.open_id;
    this.sink = sink;
    if (this.options.mode === 'websocket') await this.connect(stopping.signal, events);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.socket?.close({ force: true });
    this.socket = undefined;
    // An event stored after its connection closed is not acked: Feishu delivers it again, and it is a duplicate then.
    await Promise.allSettled([...this.inFlight]);
    this.sink = undefined;
  }

  async handleWebhook(request: WebhookRequest): Promise<WebhookResponse> {
    const opened = openDelivery(request, { verificationToken: this.options.verificationToken ?? '', encryptKey: this.options.encryptKey });
    if (isRefusal(opened)) {
      // The reason names the check that failed, never a secret.
      this.logger.warn(`Feishu webhook refused (${opened.status}): ${opened.reason}`);
      return { status: opened.status, body: { error: opened.reason } };
    }
    if (opened.kind === 'challenge') return { status: 200, body: { challenge: opened.challenge } };
    const envelope = opened.envelope;
    const eventId = envelope.header?.event_id ?? 'unknown';
    // Not started or stopping: a 503 makes Feishu deliver the event again later.
    if (!this.sink) return { status: 503, body: { error: 'not receiving' } };
    try {
      await this.receive(envelope);
      return { status: 200, body: {} };
    } catch (error) {
      // Feishu delivers an event again (15 s, 5 min, 1 h, 6 h later) until it gets a 200.
      if (isDomainError(error) && error.retryable) {
        this.logger.warn(`Feishu event ${eventId} not stored for now, asking Feishu to redeliver: ${error.message}`);
        return { status: 503, body: { error: 'not stored, retry later' } };
      }
      this.logger.error(`Feishu event ${eventId} not stored, asking Feishu to redeliver: ${String(error)}`);
      return { status: 500, body: { error: 'not stored, retry later' } };
    }
  }

  send(target: ChatTarget, message: OutboundMessage): Promise<SentMessage> {
    return this.replies.send(target, message);
  }

  edit(target: ChatTarget, platformMessageId: string, text: string): Promise<void> {
    return this.replies.edit(target, platformMessageId, text);
  }

  async sendTyping(): Promise<void> {
    // capabilities.typing is false: nothing to show.
  }

  async downloadAttachment(attachment: Attachment): Promise<Buffer> {
    const { messageId, fileKey } = parseResourceId(attachment.platformFileId);
    const type = attachment.kind === 'image' ? 'image' : 'file';
    let resource: Awaited<ReturnType<lark.Client['im']['messageResource']['get']>>;
    try {
      resource = await this.client.im.messageResource.get({ path: { message_id: messageId, file_key: fileKey }, params: { type } });
    } catch (error) {
      // The answer is a stream, so Feishu's error body comes back unparsed: the status decides.
      const status = (error as { response?: { status?: number } }).response?.status;
      const code = status === undefined || status >= 500 ? ErrorCode.TEMPORARY : status === 429 ? ErrorCode.RATE_LIMITED : ErrorCode.PERMANENT;
      throw new DomainError(code, `Feishu resource download failed: ${status === undefined ? String(error) : `HTTP ${status}`}`);
    }
    const maxBytes = this.options.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
    const chunks: Buffer[] = [];
    let total = 0;
    const stream = resource.getReadableStream();
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      total += chunk.byteLength;
      if (total > maxBytes) {
        stream.destroy();
        const limit = formatBytes(maxBytes);
        throw new DomainError(ErrorCode.INVALID_INPUT, `Feishu file of more than ${limit} is over FEISHU_MAX_DOWNLOAD_BYTES`, {
          userMessage: `larger than the ${limit} download limit`,
        });
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }

  async healthProbe(): Promise<Record<string, unknown>> {
    const connection = this.socket?.getConnectionStatus().state;
    if (this.options.mode === 'websocket' && this.sink && connection !== 'connected') {
      throw new DomainError(ErrorCode.TEMPORARY, `Feishu long connection ${connection ?? 'closed'}`);
    }
    // Needs a tenant_access_token: a wrong App Secret fails here.
    const bot = await this.botInfo();
    return { bot: bot.app_name, ...(connection ? { connection } : {}) };
  }

  private async botInfo(): Promise<{ open_id: string; app_name?: string }> {
    const answer = await callFeishu('bot/v3/info', this.tokens, () =>
      this.client.request<{ code?: number; msg?: string; bot?: { open_id?: string; app_name?: string } }>({ method: 'GET', url: '/open-apis/bot/v3/info' }),
    );
    const openId = answer?.bot?.open_id;
    if (!openId) throw new DomainError(ErrorCode.PERMANENT, 'Feishu bot/v3/info returned no bot: is the bot capability enabled for this app?');
    return { open_id: openId, app_name: answer.bot?.app_name };
  }

  /**
   * Opens the long connection; resolves once it is up, rejects when the SDK gives up (a wrong
   * App Secret, long connections not available for this app). After a drop the runner is told
   * (it starts the adapter again, with backoff); without a runner the SDK reconnects by itself.
   */
  private connect(stopping: AbortSignal, events: ChannelRunEvents | undefined): Promise<void> {
    let ready = false;
    const dispatcher = new lark.EventDispatcher({ logger: sdkLogger('FeishuSdk'), loggerLevel: lark.LoggerLevel.warn }).register({
      // The SDK answers Feishu once this resolves (code 200) or throws (code 500: Feishu redelivers).
      [MESSAGE_RECEIVED]: (data: Record<string, unknown>) => this.receive(envelopeOf(data)),
    });
    return new Promise<void>((resolve, reject) => {
      const connectTimeoutMs = this.options.connectTimeoutMs ?? 10_000;
      const notUp = setTimeout(() => {
        if (ready || this.socket !== socket) return;
        socket.close({ force: true });
        reject(new DomainError(ErrorCode.TEMPORARY, `Feishu long connection not up within ${connectTimeoutMs / 1000} s`));
      }, connectTimeoutMs);
      const socket = new lark.WSClient({
        appId: this.options.appId,
        appSecret: this.options.appSecret,
        domain: sdkDomain(this.options.domain),
        logger: sdkLogger('FeishuSdk'),
        loggerLevel: lark.LoggerLevel.warn,
        onReady: () => {
          ready = true;
          clearTimeout(notUp);
          resolve();
        },
        onError: (error: Error) => {
          clearTimeout(notUp);
          if (!ready) return reject(new DomainError(ErrorCode.AUTH_FAILED, `Feishu long connection refused: ${error.message}`));
          if (this.socket === socket && !stopping.aborted) events?.connectionLost(error);
        },
        // A dropped connection: the SDK would reconnect on its own schedule (by default up to 30 s
        // away, then every 2 min; Feishu's server may set others). Under a runner, the runner's
        // backoff (1 s doubling) reopens it instead, so this attempt is ended before the SDK makes it.
        onReconnecting: () => {
          if (!events || this.socket !== socket || stopping.aborted) return;
          socket.close({ force: true });
          events.connectionLost(new DomainError(ErrorCode.TEMPORARY, 'Feishu long connection closed'));
        },
      });
      this.socket = socket;
      stopping.addEventListener(
        'abort',
        () => {
          clearTimeout(notUp);
          resolve();
        },
        { once: true },
      );
      void socket.start({ eventDispatcher: dispatcher });
    });
  }

  private receive(envelope: FeishuEventEnvelope): Promise<void> {
    const receiving = this.store(envelope);
    this.inFlight.add(receiving);
    return receiving.finally(() => this.inFlight.delete(receiving));
  }

  private async store(envelope: FeishuEventEnvelope): Promise<void> {
    const sink = this.sink;
    if (!sink) throw new DomainError(ErrorCode.TEMPORARY, 'Feishu adapter is not receiving');
    let message: InboundMessage | null;
    try {
      message = mapFeishuEvent(envelope, { accountId: this.accountId, botOpenId: this.botOpenId ?? '' });
    } catch (error) {
      // Authentic but unreadable: acked and dropped, or Feishu would deliver it again and again.
      this.logger.warn(`Feishu event ${envelope.header?.event_id ?? 'unknown'} dropped, it cannot be read: ${String(error)}`);
      return;
    }
    if (!message) return;
    // A group message without a mention still addresses the bot when it replies to the bot.
    if (message.chatType !== 'dm' && !message.mentionsBot && message.replyToMessageId) {
      message.repliesToBot = await this.sentByBot(message.replyToMessageId);
    }
    await sink(message);
  }

  /** Whether this app sent a message (answers false when Feishu cannot say). */
  private async sentByBot(messageId: string): Promise<boolean> {
    try {
      const answer = await callFeishu('im.message.get', this.tokens, () =>
        this.client.request<{ code?: number; msg?: string; data?: { items?: { sender?: { id?: string; sender_type?: string } }[] } }>({
          method: 'GET',
          url: `/open-apis/im/v1/messages/${encodeURIComponent(messageId)}`,
        }),
      );
      const sender = answer?.data?.items?.[0]?.sender;
      return sender?.sender_type === 'app' && sender.id === this.options.appId;
    } catch (error) {
      this.logger.warn(`Feishu message ${messageId} not looked up, taken as not the bot's: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  }
}

/** The SDK hands handlers the event flattened into its header; the mapper reads the 2.0 envelope. */
function envelopeOf(data: Record<string, unknown>): FeishuEventEnvelope {
  const { event_id, event_type, token, create_time, app_id, sender, message } = data as Record<string, never>;
  return { schema: '2.0', header: { event_id, event_type, token, create_time, app_id }, event: { sender, message } };
}
