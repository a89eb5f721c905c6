import { createHmac, randomBytes } from 'node:crypto';
import { FakePlatformServer, type FakePlatformCall, type FakePlatformReply } from '../fake-platform/fake-platform.server';

/** Credentials of the fake app and its phone number; the config schema accepts them. */
export const FAKE_WHATSAPP_APP = {
  accessToken: 'EAAGfakeWhatsAppSystemUserToken',
  phoneNumberId: '106540352242922',
  displayPhoneNumber: '15550783881',
  appSecret: 'fake-whatsapp-app-secret',
  verifyToken: 'fake-verify-token',
  businessAccountId: '102290129340398',
} as const;

/** A text the business sent, as the user sees it. */
export interface FakeWhatsAppMessage {
  to: string;
  id: string;
  body: string;
}

/** One notification the fake posted: enough to post it again unchanged. */
export interface FakeWhatsAppDelivery {
  messageId: string;
  body: string;
  signature: string;
  /** The gateway's answer; 0 until posted. */
  status: number;
}

export interface FakeWhatsAppIncoming {
  from: string;
  name: string;
  text?: string;
  /** Stored as media the gateway can look up and download. */
  media?: { kind: 'image' | 'document' | 'audio'; data: Buffer; mimeType: string; fileName?: string; voice?: boolean };
}

/** A failure for the next message sends: Meta's error code, with the HTTP status it comes with. */
export interface FakeWhatsAppFailure {
  status: number;
  code?: number;
  message?: string;
  headers?: Record<string, string>;
}

const TEXT_MAX = 4096;
const DAY_MS = 24 * 60 * 60_000;

/**
 * Meta's Graph API for one WhatsApp Business phone number on 127.0.0.1 (`/:version/:phoneId/messages`
 * for texts, read receipts and typing indicators; `/:version/:mediaId` and the media URL it names)
 * and Meta's side of the webhook: signed notifications in Meta's format (non-ASCII escaped as
 * \uXXXX, signed over exactly those bytes) and the GET verification. It keeps the 24-hour
 * customer-service window: a text to a user who has not written within 24 hours fails with 131047.
 */
export class FakeWhatsAppServer extends FakePlatformServer {
  readonly app = FAKE_WHATSAPP_APP;
  /** Where notifications go: the gateway's `/webhooks/whatsapp`. */
  callbackUrl: string | undefined;
  private readonly sent: FakeWhatsAppMessage[] = [];
  private readonly attempts: { to: string; at: number; accepted: boolean }[] = [];
  private readonly sendFailures: { failure: FakeWhatsAppFailure; remaining: number }[] = [];
  private readonly media = new Map<string, { data: Buffer; mimeType: string }>();
  private readonly lastInbound = new Map<string, number>();
  private readonly typing: { messageId: string; at: number }[] = [];
  private lastId = 0;

  constructor() {
    super();
    this.route('GET', '/:version/:id', (call) => this.withToken(call, () => this.lookup(call)));
    this.route('POST', '/:version/:phoneId/messages', (call) => this.withToken(call, () => this.messages(call)));
    this.route('GET', '/media-files/:id', (call) => this.withToken(call, () => this.mediaFile(call)));
  }

  /** Texts the business sent to a user, oldest first. */
  messagesTo(to: string): FakeWhatsAppMessage[] {
    return this.sent.filter((message) => message.to === to);
  }

  /** Every text send with a valid token, oldest first: when, and whether Meta took it. */
  sendAttempts(to: string): { at: number; accepted: boolean }[] {
    return this.attempts.filter((attempt) => attempt.to === to).map(({ at, accepted }) => ({ at, accepted }));
  }

  /** The messages marked read with a typing indicator, oldest first. */
  typingShown(): { messageId: string; at: number }[] {
    return [...this.typing];
  }

  /** The next `times` text sends fail this way. */
  failSendNext(failure: FakeWhatsAppFailure, times = 1): this {
    this.sendFailures.push({ failure, remaining: times });
    return this;
  }

  /** The user last wrote more than 24 hours ago. */
  closeWindow(user: string): void {
    this.lastInbound.set(user, Date.now() - DAY_MS - 1);
  }

  /** A user's message as Meta notifies it (not posted yet; the user's 24-hour window opens); a wrong `appSecret` forges the signature. */
  notification(incoming: FakeWhatsAppIncoming, options: { appSecret?: string } = {}): FakeWhatsAppDelivery {
    // The user wrote: the 24-hour window for replies to them starts now.
    this.lastInbound.set(incoming.from, Date.now());
    const messageId = this.nextId();
    const message: Record<string, unknown> = { from: incoming.from, id: messageId, timestamp: String(Math.floor(Date.now() / 1000)) };
    if (incoming.media) {
      const mediaId = String(Date.now()) + String(++this.lastId);
      this.media.set(mediaId, { data: incoming.media.data, mimeType: incoming.media.mimeType });
      const { kind } = incoming.media;
      message.type = kind;
      message[kind] = {
        id: mediaId,
        mime_type: incoming.media.mimeType,
        sha256: 'fake',
        ...(kind === 'audio' ? { voice: incoming.media.voice ?? false } : { caption: incoming.text }),
        ...(kind === 'document' ? { filename: incoming.media.fileName } : {}),
      };
    } else {
      message.type = 'text';
      message.text = { body: incoming.text ?? '' };
    }
    const value = { contacts: [{ profile: { name: incoming.name }, wa_id: incoming.from }], messages: [message] };
    return { ...this.signed(value, options.appSecret), messageId, status: 0 };
  }

  /** A status notification (sent, delivered, read) of one of the business's own messages. */
  statusNotification(to: string, messageId: string, status: 'sent' | 'delivered' | 'read'): FakeWhatsAppDelivery {
    const value = { statuses: [{ id: messageId, status, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: to }] };
    return { ...this.signed(value), messageId, status: 0 };
  }

  /** Posts a user's message to the gateway; resolves once the gateway answered. */
  deliver(incoming: FakeWhatsAppIncoming, options: { appSecret?: string } = {}): Promise<FakeWhatsAppDelivery> {
    return this.redeliver(this.notification(incoming, options));
  }

  /** Posts a notification (again, exactly as before: Meta retries one that got no 200); resolves with the gateway's status. */
  async redeliver(delivery: FakeWhatsAppDelivery): Promise<FakeWhatsAppDelivery> {
    const response = await fetch(this.requireCallbackUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': delivery.signature },
      body: delivery.body,
    });
    await response.arrayBuffer();
    return { ...delivery, status: response.status };
  }

  /** Meta's GET check of the webhook URL: resolves with the status and body the gateway answered. */
  async verifyWebhook(verifyToken: string = this.app.verifyToken, challenge = randomBytes(8).toString('hex')): Promise<{ status: number; body: string; challenge: string }> {
    const query = new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.verify_token': verifyToken, 'hub.challenge': challenge });
    const response = await fetch(`${this.requireCallbackUrl()}?${query}`);
    return { status: response.status, body: await response.text(), challenge };
  }

  override clear(): void {
    super.clear();
    this.sent.length = 0;
    this.attempts.length = 0;
    this.sendFailures.length = 0;
    this.typing.length = 0;
  }

  private signed(value: Record<string, unknown>, appSecret: string = this.app.appSecret): { body: string; signature: string } {
    const notification = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: this.app.businessAccountId,
          changes: [
            {
              value: { messaging_product: 'whatsapp', metadata: { display_phone_number: this.app.displayPhoneNumber, phone_number_id: this.app.phoneNumberId }, ...value },
              field: 'messages',
            },
          ],
        },
      ],
    };
    // Meta escapes every non-ASCII UTF-16 unit and signs the escaped bytes.
    const body = JSON.stringify(notification).replace(/[\u0080-\uffff]/g, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`);
    return { body, signature: `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}` };
  }

  private nextId(): string {
    return `wamid.HBgL${randomBytes(12).toString('hex').toUpperCase()}${++this.lastId}`;
  }

  private requireCallbackUrl(): string {
    if (!this.callbackUrl) throw new Error('FakeWhatsAppServer: set callbackUrl to the gateway\'s /webhooks/whatsapp first');
    return this.callbackUrl;
  }

  private withToken(call: FakePlatformCall, handle: () => FakePlatformReply): FakePlatformReply {
    if (call.headers.authorization !== `Bearer ${this.app.accessToken}`) {
      return graphError(401, 190, 'Error validating access token: Session has expired');
    }
    return handle();
  }

  private lookup(call: FakePlatformCall): FakePlatformReply {
    if (call.params.id === this.app.phoneNumberId) {
      return { body: { verified_name: 'Switchboard Test', display_phone_number: '+1 555-078-3881', id: this.app.phoneNumberId } };
    }
    const media = this.media.get(call.params.id);
    if (!media) return graphError(400, 100, 'Unsupported get request. Object does not exist');
    return {
      body: { messaging_product: 'whatsapp', url: `${this.url}/media-files/${call.params.id}`, mime_type: media.mimeType, sha256: 'fake', file_size: String(media.data.length), id: call.params.id },
    };
  }

  private mediaFile(call: FakePlatformCall): FakePlatformReply {
    const media = this.media.get(call.params.id);
    return media ? { body: media.data, headers: { 'content-type': media.mimeType } } : { status: 404, body: 'Not Found' };
  }

  private messages(call: FakePlatformCall): FakePlatformReply {
    if (call.params.phoneId !== this.app.phoneNumberId) return graphError(400, 100, 'Invalid parameter');
    const body = call.body as { messaging_product?: string; status?: string; message_id?: string; typing_indicator?: { type?: string }; to?: string; type?: string; text?: { body?: string } };
    if (body.messaging_product !== 'whatsapp') return graphError(400, 100, 'The parameter messaging_product is required.');
    if (body.status === 'read') {
      if (body.typing_indicator?.type === 'text') this.typing.push({ messageId: String(body.message_id), at: Date.now() });
      return { body: { success: true } };
    }
    const to = String(body.to ?? '');
    const reply = this.sendText(to, body);
    this.attempts.push({ to, at: call.receivedAt.getTime(), accepted: (reply.status ?? 200) === 200 });
    return reply;
  }

  private sendText(to: string, body: { type?: string; text?: { body?: string } }): FakePlatformReply {
    const failure = this.sendFailures[0];
    if (failure) {
      if (--failure.remaining <= 0) this.sendFailures.shift();
      const { status, code, message, headers } = failure.failure;
      return { ...graphError(status, code ?? 131000, message ?? 'Something went wrong'), headers };
    }
    if (body.type !== 'text') return graphError(400, 131051, 'Unsupported message type');
    const text = body.text?.body ?? '';
    if (text === '' || text.length > TEXT_MAX) return graphError(400, 100, 'Invalid parameter', 'text.body must be 1 to 4096 characters');
    const lastInbound = this.lastInbound.get(to);
    if (lastInbound === undefined || Date.now() - lastInbound > DAY_MS) {
      return graphError(400, 131047, 'Re-engagement message', 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.');
    }
    const id = this.nextId();
    this.sent.push({ to, id, body: text });
    return { body: { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id }] } };
  }
}

function graphError(status: number, code: number, message: string, details?: string): FakePlatformReply {
  return {
    status,
    body: {
      error: { message, type: 'OAuthException', code, ...(details ? { error_data: { messaging_product: 'whatsapp', details } } : {}), fbtrace_id: 'AbCdEfFakeTrace' },
    },
  };
}
