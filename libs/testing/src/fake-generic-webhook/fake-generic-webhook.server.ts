import { randomBytes, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { FakePlatformServer, type FakePlatformCall, type FakePlatformReply } from '../fake-platform/fake-platform.server';

/** The shared secret of the fake system and the gateway (WEBHOOK_SECRET). */
export const FAKE_WEBHOOK_SECRET = `whsec_${Buffer.from('switchboard-fake-generic-webhook').toString('base64')}`;

/** A reply the gateway posted to the callback, once per webhook-id. */
export interface FakeGenericReply {
  id: string;
  chatId: string;
  replyTo?: string;
  text: string;
}

/** A message the fake system sends to the gateway (the body of POST /webhooks/generic). */
export interface FakeGenericMessage {
  id?: string;
  chat: { id: string; type?: 'dm' | 'group' };
  sender: { id: string; name?: string };
  text: string;
  mentionsBot?: boolean;
  reply?: 'sync' | 'callback';
  attachments?: { url: string; mimeType?: string; fileName?: string }[];
}

/** One request the fake posted: enough to post it again unchanged. */
export interface FakeGenericDelivery {
  id: string;
  body: string;
  headers: Record<string, string>;
  status: number;
  /** The gateway's JSON answer. */
  answer: unknown;
}

/**
 * A system that talks to the gateway's generic webhook, on 127.0.0.1: it signs requests to
 * `/webhooks/generic` (Standard Webhooks; a wrong secret or an old timestamp forges them), serves
 * attachment files by URL, and receives replies at `/callback`, refusing ones whose signature does
 * not verify (401) and counting a webhook-id it already has once.
 */
export class FakeGenericWebhookServer extends FakePlatformServer {
  readonly secret = FAKE_WEBHOOK_SECRET;
  /** The gateway's `/webhooks/generic`. */
  gatewayUrl: string | undefined;
  private readonly verifier = new Webhook(FAKE_WEBHOOK_SECRET);
  private readonly replies: FakeGenericReply[] = [];
  private readonly attempts: { chatId: string; at: number; accepted: boolean }[] = [];
  private readonly callbackFailures: { reply: FakePlatformReply; remaining: number }[] = [];
  private readonly files = new Map<string, { data: Buffer; mimeType: string }>();
  private forgedCallbacks = 0;

  constructor() {
    super();
    this.route('POST', '/callback', (call) => this.receiveReply(call));
    this.route('GET', '/files/:id', (call) => {
      const file = this.files.get(call.params.id);
      return file ? { body: file.data, headers: { 'content-type': file.mimeType } } : { status: 404, body: 'Not Found' };
    });
  }

  /** WEBHOOK_CALLBACK_URL */
  get callbackUrl(): string {
    return `${this.url}/callback`;
  }

  /** Replies received for a chat, oldest first (each webhook-id once). */
  repliesTo(chatId: string): FakeGenericReply[] {
    return this.replies.filter((reply) => reply.chatId === chatId);
  }

  /** Every signed callback POST for a chat: when, and whether the fake took it. */
  sendAttempts(chatId: string): { at: number; accepted: boolean }[] {
    return this.attempts.filter((attempt) => attempt.chatId === chatId).map(({ at, accepted }) => ({ at, accepted }));
  }

  /** Callback POSTs refused for their signature. */
  get forgedCallbackCount(): number {
    return this.forgedCallbacks;
  }

  /** The next `times` callbacks get this answer (500, or 429 with a Retry-After). */
  failCallbacksNext(reply: FakePlatformReply, times = 1): this {
    this.callbackFailures.push({ reply, remaining: times });
    return this;
  }

  /** Serves `data` at a URL a request can name as an attachment. */
  addFile(data: Buffer, mimeType: string): string {
    const id = randomUUID();
    this.files.set(id, { data, mimeType });
    return `${this.url}/files/${id}`;
  }

  /** A signed request (not sent); `secret` or `timestamp` (seconds) forge it. */
  request(message: FakeGenericMessage, options: { secret?: string; timestamp?: number } = {}): FakeGenericDelivery {
    const id = message.id ?? `ext-${randomBytes(6).toString('hex')}`;
    const body = JSON.stringify({ ...message, id });
    const at = new Date((options.timestamp ?? Math.floor(Date.now() / 1000)) * 1000);
    const webhookId = `msg_${randomBytes(8).toString('hex')}`;
    const headers = {
      'content-type': 'application/json',
      'webhook-id': webhookId,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(options.secret ?? this.secret).sign(webhookId, at, body),
    };
    return { id, body, headers, status: 0, answer: undefined };
  }

  /** Sends a message to the gateway; resolves with its answer. */
  deliver(message: FakeGenericMessage, options: { secret?: string; timestamp?: number } = {}): Promise<FakeGenericDelivery> {
    return this.post(this.request(message, options));
  }

  /** Posts a request (again, unchanged); resolves with the gateway's status and JSON answer. */
  async post(delivery: FakeGenericDelivery): Promise<FakeGenericDelivery> {
    if (!this.gatewayUrl) throw new Error('FakeGenericWebhookServer: set gatewayUrl to the gateway\'s /webhooks/generic first');
    const response = await fetch(this.gatewayUrl, { method: 'POST', headers: delivery.headers, body: delivery.body });
    const text = await response.text();
    return { ...delivery, status: response.status, answer: text ? JSON.parse(text) : undefined };
  }

  override clear(): void {
    super.clear();
    this.replies.length = 0;
    this.attempts.length = 0;
    this.callbackFailures.length = 0;
  }

  private receiveReply(call: FakePlatformCall): FakePlatformReply {
    const headers = Object.fromEntries(['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => [name, String(call.headers[name] ?? '')]));
    let reply: { id: string; chat: { id: string }; replyTo?: string; text: string };
    try {
      reply = this.verifier.verify(call.rawBody, headers) as typeof reply;
    } catch {
      this.forgedCallbacks += 1;
      return { status: 401, body: { error: 'bad signature' } };
    }
    const chatId = reply.chat.id;
    const failure = this.callbackFailures[0];
    if (failure) {
      if (--failure.remaining <= 0) this.callbackFailures.shift();
      this.attempts.push({ chatId, at: call.receivedAt.getTime(), accepted: false });
      return failure.reply;
    }
    this.attempts.push({ chatId, at: call.receivedAt.getTime(), accepted: true });
    if (reply.id !== headers['webhook-id']) return { status: 400, body: { error: 'id differs from webhook-id' } };
    if (!this.replies.some((earlier) => earlier.id === reply.id)) this.replies.push({ id: reply.id, chatId, replyTo: reply.replyTo, text: reply.text });
    return { status: 204 };
  }
}
