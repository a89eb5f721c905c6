import { Logger } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  isDomainError,
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
import { outboundAttachmentBytes, sendTextThenFiles } from '../outbound-attachment';
import { WecomApi } from './wecom.api';
import { openCallback, signatureMatches, type WecomCallbackKeys } from './wecom.callback-crypto';
import { mapCallbackMessage } from './wecom.mapper';
import { wecomMediaType } from './wecom.media';
import { splitUtf8 } from './wecom.text';
import { parseFlatXml } from './wecom.xml';

/** The `wecom` config section in callback mode, as far as the adapter needs it. */
export interface WecomCallbackAdapterOptions extends WecomCallbackKeys {
  agentId: number;
  secret: string;
  /** WeCom server API; defaults to https://qyapi.weixin.qq.com. */
  apiRoot?: string;
  /** Defaults to `default`. */
  accountId?: string;
}

/** WeCom takes at most 2048 bytes of text per app message. */
export const WECOM_TEXT_MAX_BYTES = 2048;
const DEFAULT_API_ROOT = 'https://qyapi.weixin.qq.com';
const TEXT_PLAIN = { 'content-type': 'text/plain; charset=utf-8' };

/**
 * A WeCom self-built app: WeCom checks the callback URL with a signed, encrypted `echostr` (GET)
 * and posts each message encrypted and signed (POST); replies go out through `message/send`.
 * The signature is checked before anything else; a message is acked (empty 200) once the
 * pipeline stored it, and WeCom's retries of it are duplicates the pipeline drops.
 */
export class WecomCallbackAdapter implements ChannelAdapter {
  readonly id = 'wecom';
  readonly webhookMethods: readonly WebhookMethod[] = ['GET', 'POST'];
  readonly capabilities: ChannelCapabilities = {
    // App messages cannot be edited: a reply is sent whole.
    edit: false,
    typing: false,
    threads: false,
    reactions: false,
    files: true,
    images: false,
    voice: false,
    maxTextLength: WECOM_TEXT_MAX_BYTES,
    maxTextUnit: 'bytes',
  };

  private readonly logger = new Logger(WecomCallbackAdapter.name);
  private readonly api: WecomApi;
  readonly accountId: string;
  private sink: InboundSink | undefined;

  constructor(private readonly options: WecomCallbackAdapterOptions) {
    this.accountId = options.accountId ?? 'default';
    this.api = new WecomApi({ apiRoot: options.apiRoot ?? DEFAULT_API_ROOT, corpId: options.corpId, secret: options.secret });
  }

  async start(sink: InboundSink): Promise<void> {
    // A wrong secret or an untrusted server address shows at start, not at the first reply.
    await this.api.accessToken();
    this.sink = sink;
  }

  async stop(): Promise<void> {
    this.sink = undefined;
  }

  async handleWebhook(request: WebhookRequest): Promise<WebhookResponse> {
    const { msg_signature: msgSignature, timestamp, nonce } = request.query;
    if (!msgSignature || !timestamp || !nonce) return { status: 400, body: 'missing msg_signature, timestamp or nonce', headers: TEXT_PLAIN };
    const signed = { msgSignature, timestamp, nonce };
    return request.method === 'GET' ? this.verifyUrl(signed, request.query.echostr) : this.receive(signed, request.rawBody);
  }

  /**
   * Text over 2048 bytes (from any sender, not only replies split by the gateway) goes out in parts;
   * each file is uploaded (`media/upload`), then sent as an image or file message, its caption after it.
   */
  async send(target: ChatTarget, message: OutboundMessage): Promise<SentMessage> {
    return sendTextThenFiles(message, {
      text: async (text) => {
        const sent: string[] = [];
        for (const part of splitUtf8(text, WECOM_TEXT_MAX_BYTES)) sent.push(await this.sendToUser(target, 'text', { content: part }));
        return sent[0];
      },
      file: async (attachment) => {
        const type = wecomMediaType(attachment);
        const mediaId = await this.api.upload(type, { ...attachment, data: await outboundAttachmentBytes(attachment) });
        return this.sendToUser(target, type, { media_id: mediaId });
      },
    });
  }

  /** One app message to the chat's user; resolves with its msgid. */
  private async sendToUser(target: ChatTarget, msgtype: 'text' | 'image' | 'file', content: Record<string, string>): Promise<string> {
    const answer = await this.api.post('message/send', { touser: target.chatId, msgtype, agentid: this.options.agentId, [msgtype]: content });
    // WeCom answers 0 and lists the user as invalid when it cannot deliver to them.
    if (typeof answer.invaliduser === 'string' && answer.invaliduser.split('|').includes(target.chatId)) {
      throw new DomainError(ErrorCode.PERMANENT, `WeCom message/send: ${target.chatId} is not a member the app can reach`);
    }
    return String(answer.msgid);
  }

  async edit(): Promise<void> {
    throw new DomainError(ErrorCode.PERMANENT, 'WeCom app messages cannot be edited');
  }

  async sendTyping(): Promise<void> {
    // WeCom apps have no typing indicator.
  }

  async healthProbe(): Promise<Record<string, unknown>> {
    await this.api.accessToken();
    return { mode: 'callback', agentId: this.options.agentId };
  }

  /** GET: WeCom checks the URL; the decrypted echostr must come back within a second. */
  private verifyUrl(signed: SignedQuery, echostr: string | undefined): WebhookResponse {
    if (!echostr) return { status: 400, body: 'missing echostr', headers: TEXT_PLAIN };
    if (!signatureMatches(this.options, signed, echostr)) return this.forged('URL check');
    const plain = openCallback(this.options, echostr);
    if (plain === undefined) return this.undecryptable('URL check');
    return { status: 200, body: plain, headers: TEXT_PLAIN };
  }

  private async receive(signed: SignedQuery, rawBody: Buffer): Promise<WebhookResponse> {
    const envelope = parseFlatXml(rawBody.toString('utf8'));
    const encrypted = envelope?.Encrypt;
    if (!encrypted) return { status: 400, body: 'expected a WeCom callback', headers: TEXT_PLAIN };
    if (!signatureMatches(this.options, signed, encrypted)) return this.forged('callback');
    const plain = openCallback(this.options, encrypted);
    if (plain === undefined) return this.undecryptable('callback');
    const sink = this.sink;
    // Not started or stopping: WeCom tries again (three times in all) when it gets no 200.
    if (!sink) return { status: 503, body: 'not receiving', headers: TEXT_PLAIN };
    let message: InboundMessage | null;
    try {
      const fields = parseFlatXml(plain);
      if (!fields) throw new DomainError(ErrorCode.INVALID_INPUT, 'the decrypted callback is not WeCom XML');
      message = mapCallbackMessage(fields, this.accountId);
    } catch (error) {
      // Authentic but unreadable: acked and dropped, or WeCom would deliver it again.
      this.logger.warn(`WeCom callback dropped, it cannot be read: ${String(error)}`);
      return acked();
    }
    if (!message) return acked();
    try {
      await sink(message);
      return acked();
    } catch (error) {
      const retryable = isDomainError(error) && error.retryable;
      this.logger[retryable ? 'warn' : 'error'](`WeCom message ${message.platformMessageId} not stored, leaving it to WeCom's retry: ${String(error)}`);
      return { status: retryable ? 503 : 500, body: 'not stored, retry later', headers: TEXT_PLAIN };
    }
  }

  private forged(what: string): WebhookResponse {
    // Neither the expected signature nor the token is logged.
    this.logger.warn(`WeCom ${what} refused: msg_signature does not match (wrong WECOM_TOKEN, or not from WeCom)`);
    return { status: 401, body: 'invalid msg_signature', headers: TEXT_PLAIN };
  }

  private undecryptable(what: string): WebhookResponse {
    this.logger.warn(`WeCom ${what} refused: it does not decrypt with WECOM_ENCODING_AES_KEY for WECOM_CORP_ID`);
    return { status: 400, body: 'cannot decrypt', headers: TEXT_PLAIN };
  }
}

type SignedQuery = { msgSignature: string; timestamp: string; nonce: string };

function acked(): WebhookResponse {
  return { status: 200, body: '', headers: TEXT_PLAIN };
}
