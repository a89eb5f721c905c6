import { Logger } from '@nestjs/common';
import { Webhook } from 'standardwebhooks';
import {
  DomainError,
  ErrorCode,
  formatBytes,
  isDomainError,
  type Attachment,
  type ChannelAdapter,
  type ChannelCapabilities,
  type ChatTarget,
  type InboundOutcome,
  type InboundSink,
  type OutboundMessage,
  type SentMessage,
  type WebhookRequest,
  type WebhookResponse,
} from '@switchboard/core';
import { readLimited } from '../downloads/read-limited';
import { GenericWebhookCallback } from './generic-webhook.callback';
import { parseGenericRequest, replyWebhookId, toInboundMessage, type GenericWebhookRequest } from './generic-webhook.request';
import { SyncReplies } from './sync-replies';

/** The `webhook` config section, as far as the adapter needs it. */
export interface GenericWebhookAdapterOptions {
  /** whsec_<base64>: checks requests and signs replies. */
  secret: string;
  callbackUrl: string;
  /** How long a `"reply": "sync"` request waits before answering 202. */
  syncTimeoutMs: number;
  maxDownloadBytes?: number;
  /** Defaults to `default`. */
  accountId?: string;
}

/** Replies are split into texts of at most this many characters (one callback POST each). */
export const GENERIC_TEXT_MAX = 16_000;
const DEFAULT_MAX_DOWNLOAD_BYTES = 10 * 1024 * 1024;
const DOWNLOAD_TIMEOUT_MS = 30_000;
const SIGNATURE_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

/**
 * Any system that speaks Standard Webhooks: it POSTs a message to /webhooks/generic signed with
 * WEBHOOK_SECRET (webhook-id, webhook-timestamp within 5 minutes, webhook-signature), and the
 * reply is POSTed to WEBHOOK_CALLBACK_URL signed the same way, retried by the gateway's delivery
 * retries like any platform send. A request may instead ask for `"reply": "sync"`: its HTTP answer
 * then waits for the reply (WEBHOOK_SYNC_TIMEOUT_MS), and after that answers 202, the reply going
 * to the callback.
 */
export class GenericWebhookAdapter implements ChannelAdapter {
  readonly id = 'generic';
  readonly capabilities: ChannelCapabilities = {
    edit: false,
    typing: false,
    threads: false,
    reactions: false,
    // The callback carries text only: a send with files is refused.
    files: false,
    images: true,
    voice: false,
    maxTextLength: GENERIC_TEXT_MAX,
  };

  private readonly logger = new Logger(GenericWebhookAdapter.name);
  readonly accountId: string;
  private readonly verifier: Webhook;
  private readonly callback: GenericWebhookCallback;
  private readonly syncReplies = new SyncReplies();
  private sink: InboundSink | undefined;

  constructor(private readonly options: GenericWebhookAdapterOptions) {
    this.accountId = options.accountId ?? 'default';
    this.verifier = new Webhook(options.secret);
    this.callback = new GenericWebhookCallback(options.callbackUrl, options.secret);
  }

  async start(sink: InboundSink): Promise<void> {
    this.sink = sink;
  }

  async stop(): Promise<void> {
    this.sink = undefined;
  }

  async handleWebhook(request: WebhookRequest): Promise<WebhookResponse> {
    if (!this.verified(request)) return { status: 401, body: { error: 'invalid or stale signature' } };
    let body: GenericWebhookRequest;
    try {
      body = parseGenericRequest(request.rawBody);
    } catch (error) {
      return { status: 400, body: { error: error instanceof Error ? error.message : String(error) } };
    }
    const sink = this.sink;
    if (!sink) return { status: 503, body: { error: 'not receiving, retry later' } };
    const message = toInboundMessage(body, this.accountId, new Date());
    // Registered before the pipeline runs: the answer (or a pairing code) may be sent before it returns.
    const waiting = body.reply === 'sync' ? this.syncReplies.wait(message.chatId, this.options.syncTimeoutMs) : undefined;
    let outcome: InboundOutcome;
    try {
      outcome = await sink(message);
    } catch (error) {
      waiting?.cancel();
      const retryable = isDomainError(error) && error.retryable;
      this.logger[retryable ? 'warn' : 'error'](`generic webhook message ${message.platformMessageId} not stored: ${String(error)}`);
      return { status: retryable ? 503 : 500, body: { error: 'not stored, retry later' } };
    }
    if (!waiting) return { status: 200, body: { status: outcome, id: body.id } };
    const reply = outcome === 'accepted' ? await waiting.reply : waiting.cancel();
    if (reply) return { status: 200, body: { status: outcome, id: body.id, reply } };
    // The reply, if one comes, goes to the callback URL.
    return { status: outcome === 'accepted' ? 202 : 200, body: { status: outcome, id: body.id, reply: 'callback' } };
  }

  async send(target: ChatTarget, message: OutboundMessage): Promise<SentMessage> {
    const id = replyWebhookId(target.accountId, target.chatId, message.replyToMessageId, message.text);
    if (this.syncReplies.deliver(target.chatId, { id, text: message.text })) return { platformMessageId: id };
    await this.callback.post({
      type: 'message.reply',
      id,
      chat: { id: target.chatId },
      replyTo: message.replyToMessageId,
      text: message.text,
      timestamp: new Date().toISOString(),
    });
    return { platformMessageId: id };
  }

  async edit(): Promise<void> {
    throw new DomainError(ErrorCode.PERMANENT, 'generic webhook replies cannot be edited');
  }

  async sendTyping(): Promise<void> {
    // capabilities.typing is false: a webhook has nothing to show.
  }

  /** Fetches an attachment from the URL the request gave, never past WEBHOOK_MAX_DOWNLOAD_BYTES. */
  async downloadAttachment(attachment: Attachment): Promise<Buffer> {
    const maxBytes = this.options.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
    let response: Response;
    try {
      response = await fetch(attachment.platformFileId, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
    } catch (error) {
      throw new DomainError(ErrorCode.TEMPORARY, `generic webhook attachment download failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new DomainError(response.status >= 500 ? ErrorCode.TEMPORARY : ErrorCode.PERMANENT, `generic webhook attachment download failed: HTTP ${response.status}`);
    }
    const data = await readLimited(response, maxBytes);
    if (!data) {
      const limit = formatBytes(maxBytes);
      throw new DomainError(ErrorCode.INVALID_INPUT, `generic webhook attachment of more than ${limit} is over WEBHOOK_MAX_DOWNLOAD_BYTES`, { userMessage: `larger than the ${limit} download limit` });
    }
    return data;
  }

  async healthProbe(): Promise<Record<string, unknown>> {
    return { callback: new URL(this.options.callbackUrl).origin };
  }

  /** The Standard Webhooks signature matches and its timestamp is within 5 minutes. */
  private verified(request: WebhookRequest): boolean {
    const headers: Record<string, string> = {};
    for (const name of SIGNATURE_HEADERS) {
      const value = request.headers[name];
      headers[name] = (Array.isArray(value) ? value[0] : value) ?? '';
    }
    try {
      this.verifier.verify(request.rawBody, headers);
      return true;
    } catch (error) {
      // The library's reason (missing headers, no matching signature, timestamp too old or new); never the secret.
      this.logger.warn(`generic webhook refused: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  }
}
