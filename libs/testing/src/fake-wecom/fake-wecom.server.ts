import { randomBytes } from 'node:crypto';
import { encrypt, getSignature } from '@wecom/crypto';
import { FakePlatformServer, type FakePlatformCall, type FakePlatformReply, type FakeUploadedFile } from '../fake-platform/fake-platform.server';

/** Credentials of the fake corp and its self-built app; the config schema accepts them. */
export const FAKE_WECOM_APP = {
  corpId: 'wwfake0123456789ab',
  agentId: 1000002,
  secret: 'fake-wecom-app-secret',
  token: 'FakeCallbackToken01',
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
} as const;

/** A message the app sent, as the user sees it: a text, or an image or file (content empty). */
export interface FakeWecomAppMessage {
  touser: string;
  msgid: string;
  content: string;
  file?: FakeUploadedFile;
}

/** One callback the fake posted: enough to post it again unchanged. */
export interface FakeWecomCallback {
  msgId: string;
  query: string;
  body: string;
  status: number;
}

const TOKEN_SECONDS = 7200;
const TEXT_MAX_BYTES = 2048;

/**
 * WeCom's server API (`/cgi-bin/gettoken`, `message/send`, `media/upload`) and its side of an app's
 * callback URL on 127.0.0.1: it checks access tokens (expiring them on demand), refuses texts over
 * 2048 bytes as WeCom does, keeps what the app sent per user, and posts encrypted, signed
 * callbacks (and the GET URL check) to the gateway.
 */
export class FakeWecomServer extends FakePlatformServer {
  readonly app = FAKE_WECOM_APP;
  /** Where callbacks go: the gateway's `/webhooks/wecom`. */
  callbackUrl: string | undefined;
  private readonly tokens = new Map<string, number>();
  private readonly sent: FakeWecomAppMessage[] = [];
  private readonly attempts: { touser: string; at: number; accepted: boolean }[] = [];
  private readonly sendFailures: { reply: FakePlatformReply; remaining: number }[] = [];
  private readonly media = new Map<string, FakeUploadedFile>();
  private lastMsgId = 7_000_000_000;
  private tokensIssued = 0;

  constructor() {
    super();
    this.route('GET', '/cgi-bin/gettoken', (call) => this.getToken(call));
    this.route('POST', '/cgi-bin/message/send', (call) => this.withToken(call, () => this.messageSend(call)));
    this.route('POST', '/cgi-bin/media/upload', (call) => this.withToken(call, () => this.mediaUpload(call)));
  }

  /** Access tokens handed out so far. */
  get tokenCount(): number {
    return this.tokensIssued;
  }

  /** Every token handed out so far stops working: WeCom answers 42001 to it. */
  expireTokens(): void {
    for (const token of this.tokens.keys()) this.tokens.set(token, 0);
  }

  /** What the app sent to a user, oldest first. */
  messagesTo(userId: string): FakeWecomAppMessage[] {
    return this.sent.filter((message) => message.touser === userId);
  }

  /** Every message/send with a valid token, oldest first: when, to whom, and whether WeCom took it. */
  sendAttempts(touser: string): { at: number; accepted: boolean }[] {
    return this.attempts.filter((attempt) => attempt.touser === touser).map(({ at, accepted }) => ({ at, accepted }));
  }

  /** The next `times` message/send calls get this errcode (45009: frequency limit), or this HTTP status. */
  failSendNext(failure: { errcode: number; errmsg: string } | { status: number }, times = 1): this {
    const reply = 'status' in failure ? { status: failure.status, body: 'Internal Server Error' } : { body: failure };
    this.sendFailures.push({ reply, remaining: times });
    return this;
  }

  /** WeCom's GET check of the callback URL: the query to send, and the plaintext the gateway must answer. */
  urlCheck(options: { token?: string } = {}): { query: string; echo: string } {
    const echo = randomBytes(9).toString('hex');
    const echostr = encrypt(this.app.encodingAesKey, echo, this.app.corpId);
    return { query: `${this.signedQuery(echostr, options.token)}&echostr=${encodeURIComponent(echostr)}`, echo };
  }

  /** Sends the URL check to the gateway: resolves with the status and body it answered, and the expected echo. */
  async verifyUrl(options: { token?: string } = {}): Promise<{ status: number; body: string; echo: string }> {
    const { query, echo } = this.urlCheck(options);
    const response = await fetch(`${this.requireCallbackUrl()}?${query}`);
    return { status: response.status, body: await response.text(), echo };
  }

  /**
   * A user's text as WeCom posts it to the callback URL, encrypted and signed (not sent yet). A
   * wrong `token` forges the signature; `corpId` encrypts it for another corp.
   */
  textCallback(from: string, content: string, options: { token?: string; msgId?: string; corpId?: string } = {}): FakeWecomCallback {
    const msgId = options.msgId ?? String(++this.lastMsgId);
    const corpId = options.corpId ?? this.app.corpId;
    const inner = xml({
      ToUserName: corpId,
      FromUserName: from,
      CreateTime: Math.floor(Date.now() / 1000),
      MsgType: 'text',
      Content: content,
      MsgId: msgId,
      AgentID: this.app.agentId,
    });
    const encrypted = encrypt(this.app.encodingAesKey, inner, corpId);
    const body = xml({ ToUserName: corpId, AgentID: String(this.app.agentId), Encrypt: encrypted });
    return { msgId, query: this.signedQuery(encrypted, options.token), body, status: 0 };
  }

  /** Posts a user's text to the gateway's callback URL; resolves once the gateway answered. */
  deliverText(from: string, content: string, options: { token?: string; msgId?: string } = {}): Promise<FakeWecomCallback> {
    return this.post(this.textCallback(from, content, options));
  }

  /** Posts a callback again exactly as before (WeCom retries one that got no answer within 5 s). */
  redeliver(callback: FakeWecomCallback): Promise<FakeWecomCallback> {
    return this.post(callback);
  }

  override clear(): void {
    super.clear();
    this.sent.length = 0;
    this.attempts.length = 0;
    this.sendFailures.length = 0;
  }

  private async post(callback: FakeWecomCallback): Promise<FakeWecomCallback> {
    const response = await fetch(`${this.requireCallbackUrl()}?${callback.query}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: callback.body });
    await response.text();
    return { ...callback, status: response.status };
  }

  /** `msg_signature`, `timestamp` and `nonce`; a wrong `token` makes a forged signature. */
  private signedQuery(encrypted: string, token: string = this.app.token): string {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = randomBytes(6).toString('hex');
    return new URLSearchParams({ msg_signature: getSignature(token, timestamp, nonce, encrypted), timestamp, nonce }).toString();
  }

  private requireCallbackUrl(): string {
    if (!this.callbackUrl) throw new Error('FakeWecomServer: set callbackUrl to the gateway\'s /webhooks/wecom first');
    return this.callbackUrl;
  }

  private getToken(call: FakePlatformCall): FakePlatformReply {
    if (call.query.corpid !== this.app.corpId) return { body: { errcode: 40013, errmsg: 'invalid corpid' } };
    if (call.query.corpsecret !== this.app.secret) return { body: { errcode: 40001, errmsg: 'invalid credential' } };
    const token = `fake-token-${++this.tokensIssued}-${randomBytes(8).toString('hex')}`;
    this.tokens.set(token, Date.now() + TOKEN_SECONDS * 1000);
    return { body: { errcode: 0, errmsg: 'ok', access_token: token, expires_in: TOKEN_SECONDS } };
  }

  private withToken(call: FakePlatformCall, handle: () => FakePlatformReply): FakePlatformReply {
    const expiresAt = this.tokens.get(call.query.access_token ?? '');
    if (expiresAt === undefined) return { body: { errcode: 40014, errmsg: 'invalid access_token' } };
    if (expiresAt <= Date.now()) return { body: { errcode: 42001, errmsg: 'access_token expired' } };
    return handle();
  }

  private messageSend(call: FakePlatformCall): FakePlatformReply {
    const touser = String(call.body.touser ?? '');
    const failure = this.sendFailures[0];
    if (failure) {
      if (--failure.remaining <= 0) this.sendFailures.shift();
      this.attempts.push({ touser, at: call.receivedAt.getTime(), accepted: false });
      return failure.reply;
    }
    const reply = this.deliverMessage(call);
    this.attempts.push({ touser, at: call.receivedAt.getTime(), accepted: (reply.body as { errcode?: number }).errcode === 0 });
    return reply;
  }

  private mediaUpload(call: FakePlatformCall): FakePlatformReply {
    const type = call.query.type;
    if (!['image', 'voice', 'video', 'file'].includes(type ?? '')) return { body: { errcode: 40004, errmsg: 'invalid media type' } };
    const media = call.body.media as FakeUploadedFile | undefined;
    if (!media?.data || !media.filename) return { body: { errcode: 41005, errmsg: 'media data missing' } };
    const mediaId = `fake-media-${randomBytes(8).toString('hex')}`;
    this.media.set(mediaId, media);
    return { body: { errcode: 0, errmsg: 'ok', type, media_id: mediaId, created_at: String(Math.floor(Date.now() / 1000)) } };
  }

  private deliverMessage(call: FakePlatformCall): FakePlatformReply {
    const { touser, msgtype, agentid } = call.body as { touser?: string; msgtype?: string; agentid?: number };
    if (agentid !== this.app.agentId) return { body: { errcode: 40056, errmsg: 'invalid agentid' } };
    if (!touser) return { body: { errcode: 40003, errmsg: 'invalid userid' } };
    if (msgtype === 'image' || msgtype === 'file') {
      const file = this.media.get(String((call.body[msgtype] as { media_id?: string } | undefined)?.media_id ?? ''));
      if (!file) return { body: { errcode: 40007, errmsg: 'invalid media_id' } };
      return this.accept({ touser, msgid: '', content: '', file });
    }
    if (msgtype !== 'text') return { body: { errcode: 40008, errmsg: 'invalid message type' } };
    const content = (call.body.text as { content?: string } | undefined)?.content ?? '';
    if (content === '') return { body: { errcode: 44004, errmsg: 'empty content' } };
    if (Buffer.byteLength(content, 'utf8') > TEXT_MAX_BYTES) return { body: { errcode: 45002, errmsg: 'content size out of limit' } };
    return this.accept({ touser, msgid: '', content });
  }

  private accept(message: FakeWecomAppMessage): FakePlatformReply {
    const msgid = `fake-msg-${++this.lastMsgId}`;
    this.sent.push({ ...message, msgid });
    return { body: { errcode: 0, errmsg: 'ok', invaliduser: '', msgid } };
  }
}

function xml(fields: Record<string, string | number>): string {
  const children = Object.entries(fields).map(([name, value]) => (typeof value === 'number' ? `<${name}>${value}</${name}>` : `<${name}><![CDATA[${value}]]></${name}>`));
  return `<xml>${children.join('')}</xml>`;
}
