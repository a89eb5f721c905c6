import { Logger } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  formatBytes,
  isDomainError,
  type Attachment,
  type ChannelAdapter,
  type ChannelCapabilities,
  type ChatTarget,
  type InboundMessage,
  type InboundSink,
  type OutboundMessage,
  type SentMessage,
  type WebhookMethod,
  type WebhookRequest,
  type WebhookResponse,
} from '@switchboard/core';
import { readLimited } from '../downloads/read-limited';
import { REENGAGEMENT_REQUIRED, graphErrorCode } from './whatsapp.errors';
import { GRAPH_API_VERSION, createWhatsAppGraph, graphFetch, type WhatsAppGraph } from './whatsapp.graph';
import { mapWebhookMessages, parseWebhookBody } from './whatsapp.mapper';

/** The `whatsapp` config section, as far as the adapter needs it. */
export interface WhatsAppAdapterOptions {
  accessToken: string;
  phoneNumberId: string;
  appSecret: string;
  verifyToken: string;
  /** Defaults to https://graph.facebook.com. */
  apiRoot?: string;
  maxDownloadBytes?: number;
  /** Defaults to `default`. */
  accountId?: string;
}

/** A text message carries at most 4096 characters. */
export const WHATSAPP_TEXT_MAX = 4096;
const DEFAULT_API_ROOT = 'https://graph.facebook.com';
const DEFAULT_MAX_DOWNLOAD_BYTES = 10 * 1024 * 1024;
// The typing indicator belongs to a received message: the latest one per chat, for this many chats.
const TYPING_CHATS_REMEMBERED = 10_000;
const TEXT_PLAIN = { 'content-type': 'text/plain; charset=utf-8' };

/**
 * A WhatsApp Business phone number on the Cloud API (whatsapp-api-js). Meta checks the webhook URL
 * with a GET carrying the verify token and posts notifications signed with the app secret
 * (X-Hub-Signature-256); the signature is checked before the body is parsed, and a notification is
 * acked (200) once the pipeline stored its messages. Meta delivers one that got no 200 again, and
 * the pipeline drops the copies. Sent messages cannot be edited: replies go out whole.
 */
export class WhatsAppAdapter implements ChannelAdapter {
  readonly id = 'whatsapp';
  readonly webhookMethods: readonly WebhookMethod[] = ['GET', 'POST'];
  readonly capabilities: ChannelCapabilities = {
    edit: false,
    typing: true,
    threads: false,
    reactions: false,
    // Received and shown to the model: images, documents and voice notes.
    // Replies are texts only: a send with files is refused.
    files: false,
    images: true,
    voice: true,
    maxTextLength: WHATSAPP_TEXT_MAX,
  };

  private readonly logger = new Logger(WhatsAppAdapter.name);
  readonly accountId: string;
  private readonly apiRoot: string;
  private readonly lastReceived = new Map<string, string>();
  private graph: Promise<WhatsAppGraph> | undefined;
  private sink: InboundSink | undefined;

  constructor(private readonly options: WhatsAppAdapterOptions) {
    this.accountId = options.accountId ?? 'default';
    this.apiRoot = options.apiRoot ?? DEFAULT_API_ROOT;
  }

  async start(sink: InboundSink): Promise<void> {
    // A wrong token or phone number id shows at start, not at the first reply.
    await this.healthProbe();
    this.sink = sink;
  }

  async stop(): Promise<void> {
    this.sink = undefined;
  }

  async handleWebhook(request: WebhookRequest): Promise<WebhookResponse> {
    return request.method === 'GET' ? this.verifyUrl(request.query) : this.receive(request);
  }

  async send(target: ChatTarget, message: OutboundMessage): Promise<SentMessage> {
    if (message.text.length > WHATSAPP_TEXT_MAX) {
      throw new DomainError(ErrorCode.INVALID_INPUT, `a WhatsApp text carries at most ${WHATSAPP_TEXT_MAX} characters, this one has ${message.text.length}`);
    }
    const { api, messages } = await this.client();
    try {
      const answer = await api.sendMessage(this.options.phoneNumberId, target.chatId, new messages.Text(message.text));
      const id = 'messages' in answer ? answer.messages[0]?.id : undefined;
      if (!id) throw new DomainError(ErrorCode.TEMPORARY, 'WhatsApp POST messages answered without a message id');
      return { platformMessageId: id };
    } catch (error) {
      if (graphErrorCode(error) === REENGAGEMENT_REQUIRED) {
        this.logger.warn(`WhatsApp reply to ${target.chatId} not delivered and not retried: ${(error as Error).message}`);
      }
      throw error;
    }
  }

  async edit(): Promise<void> {
    throw new DomainError(ErrorCode.PERMANENT, 'WhatsApp messages cannot be edited');
  }

  /** Marks the chat's latest message read and shows "typing…" on it (up to 25 s, or until the reply). */
  async sendTyping(target: ChatTarget): Promise<void> {
    const messageId = this.lastReceived.get(target.chatId);
    // Received by another replica (or before a restart): no message to show the indicator on.
    if (!messageId) return;
    const { api } = await this.client();
    await api.markAsRead(this.options.phoneNumberId, messageId, 'text');
  }

  /** Looks the media id up for its short-lived URL and size, then fetches it, never past the limit. */
  async downloadAttachment(attachment: Attachment): Promise<Buffer> {
    const maxBytes = this.options.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
    const { api } = await this.client();
    const media = await api.retrieveMedia(attachment.platformFileId, this.options.phoneNumberId);
    if (!('url' in media) || !media.url) throw new DomainError(ErrorCode.PERMANENT, 'WhatsApp media lookup gave no url');
    const size = Number(media.file_size);
    if (size > maxBytes) throw tooLarge(maxBytes, size);
    const data = await readLimited(await api.fetchMedia(media.url), maxBytes);
    if (!data) throw tooLarge(maxBytes);
    return data;
  }

  /** The phone number's verified name and display number: the token and the phone number id work. */
  async healthProbe(): Promise<Record<string, unknown>> {
    const url = `${DEFAULT_API_ROOT}/${GRAPH_API_VERSION}/${this.options.phoneNumberId}?fields=verified_name,display_phone_number`;
    const response = await graphFetch(this.apiRoot)(url, { headers: { authorization: `Bearer ${this.options.accessToken}` } });
    const phone = (await response.json()) as { verified_name?: string; display_phone_number?: string };
    return { phoneNumberId: this.options.phoneNumberId, verifiedName: phone.verified_name, displayPhoneNumber: phone.display_phone_number };
  }

  /** GET: Meta's check of the callback URL, answered with hub.challenge when hub.verify_token matches. */
  private async verifyUrl(query: Record<string, string | undefined>): Promise<WebhookResponse> {
    const { api } = await this.client();
    const { 'hub.mode': mode, 'hub.verify_token': token, 'hub.challenge': challenge } = query;
    if (!mode || !token || challenge === undefined) return { status: 400, body: 'missing hub.mode, hub.verify_token or hub.challenge', headers: TEXT_PLAIN };
    try {
      api.get({ 'hub.mode': mode as 'subscribe', 'hub.verify_token': token, 'hub.challenge': challenge });
    } catch {
      // The token is not logged.
      this.logger.warn(`WhatsApp webhook check refused: hub.mode ${mode} or hub.verify_token does not match WHATSAPP_VERIFY_TOKEN`);
      return { status: 403, body: 'verification failed', headers: TEXT_PLAIN };
    }
    return { status: 200, body: challenge, headers: TEXT_PLAIN };
  }

  private async receive(request: WebhookRequest): Promise<WebhookResponse> {
    const header = request.headers['x-hub-signature-256'];
    const signature = Array.isArray(header) ? header[0] : header;
    const { api } = await this.client();
    // The SDK checks the HMAC over the body as Meta signed it (non-ASCII escaped as \uXXXX).
    if (!signature || !(await api.verifyRequestSignature(request.rawBody.toString('utf8'), signature))) {
      this.logger.warn(`WhatsApp webhook refused: X-Hub-Signature-256 ${signature ? 'does not match' : 'is missing'} (wrong WHATSAPP_APP_SECRET, or not from Meta)`);
      return { status: 401, body: 'invalid signature', headers: TEXT_PLAIN };
    }
    const sink = this.sink;
    // Not started or stopping: Meta delivers it again later.
    if (!sink) return { status: 503, body: 'not receiving', headers: TEXT_PLAIN };
    let messages: InboundMessage[];
    try {
      messages = mapWebhookMessages(parseWebhookBody(request.rawBody), this.options.phoneNumberId, this.accountId);
    } catch (error) {
      // Authentic but unreadable: acked and dropped, or Meta would deliver it again for days.
      this.logger.warn(`WhatsApp notification dropped, it cannot be read: ${String(error)}`);
      return acked();
    }
    for (const message of messages) {
      try {
        await sink(message);
        this.remember(message);
      } catch (error) {
        const retryable = isDomainError(error) && error.retryable;
        this.logger[retryable ? 'warn' : 'error'](`WhatsApp message ${message.platformMessageId} not stored, leaving it to Meta's retry: ${String(error)}`);
        return { status: retryable ? 503 : 500, body: 'not stored, retry later', headers: TEXT_PLAIN };
      }
    }
    return acked();
  }

  private remember(message: InboundMessage): void {
    this.lastReceived.delete(message.chatId);
    if (this.lastReceived.size >= TYPING_CHATS_REMEMBERED) this.lastReceived.delete(this.lastReceived.keys().next().value as string);
    this.lastReceived.set(message.chatId, message.platformMessageId);
  }

  /** The SDK is loaded on first use (an ES module: loaded with import()). */
  private client(): Promise<WhatsAppGraph> {
    this.graph ??= createWhatsAppGraph({ ...this.options, apiRoot: this.apiRoot });
    return this.graph;
  }
}

function tooLarge(maxBytes: number, size?: number): DomainError {
  const limit = formatBytes(maxBytes);
  return new DomainError(ErrorCode.INVALID_INPUT, `WhatsApp file of ${size === undefined ? `more than ${limit}` : formatBytes(size)} is over WHATSAPP_MAX_DOWNLOAD_BYTES (${limit})`, {
    userMessage: `larger than the ${limit} download limit`,
  });
}

function acked(): WebhookResponse {
  return { status: 200, body: 'ok', headers: TEXT_PLAIN };
}
