import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { FakePlatformServer, type FakePlatformCall, type FakePlatformReply, type FakeUploadedFile } from '../fake-platform/fake-platform.server';
import { closeServer, listenOnFreePort } from '../ports';
import {
  FAKE_DINGTALK_CLIENT_ID,
  FAKE_DINGTALK_CLIENT_SECRET,
  callbackHeaders,
  robotMessage,
  type FakeDingTalkMessageSpec,
  type FakeDingTalkUser,
} from './fake-dingtalk.payloads';

export {
  FAKE_DINGTALK_CLIENT_ID,
  FAKE_DINGTALK_CLIENT_SECRET,
  callbackHeaders,
  type FakeDingTalkMessageSpec,
  type FakeDingTalkUser,
};

const TOPIC_ROBOT = '/v1.0/im/bot/messages/get';
const TOKEN_TTL_S = 7200;
// What DingTalk's media upload takes: its media types, and by type the extensions and largest size.
const MEDIA_TYPES: Record<string, { formats: string[]; maxBytes: number }> = {
  image: { formats: ['jpg', 'jpeg', 'png', 'gif', 'bmp'], maxBytes: 20 * 1024 * 1024 },
  voice: { formats: ['amr', 'mp3', 'wav'], maxBytes: 2 * 1024 * 1024 },
  video: { formats: ['mp4'], maxBytes: 20 * 1024 * 1024 },
  file: { formats: ['doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'pdf', 'zip', 'rar'], maxBytes: 20 * 1024 * 1024 },
};

/** A message the robot shows in a chat (a DM is keyed by the user's staff id, a group by its conversation id). */
export interface FakeDingTalkBotMessage {
  chat: string;
  /** Empty for a picture or file. */
  text: string;
  /** The uploaded picture or file an image or file message shows. */
  file?: { fileName: string; data: Buffer };
  /** How it was sent: the session webhook, the robot OpenAPI, or an AI card (its text after the latest streaming update). */
  via: 'sessionWebhook' | 'openapi' | 'card';
  outTrackId?: string;
  /** Streaming updates applied to a card. */
  updates: number;
}

/** A frame pushed over the Stream connection and whether the client acked it. */
export interface FakeDingTalkFrame {
  messageId: string;
  msgId: string;
  payload: Record<string, unknown>;
  acked: boolean;
  /** Times it was written to a connection (redeliveries included). */
  sent: number;
}

export type FakeDingTalkSendFailure = { kind: 'rate_limit'; retryAfterSeconds: number } | { kind: 'server_error' };

interface Session {
  chat: string;
  expiresAt: number;
}

/**
 * DingTalk on 127.0.0.1: access tokens (`/v1.0/oauth2/accessToken`, `/gettoken`), the Stream
 * gateway (`/v1.0/gateway/connections/open` → a WebSocket that pushes robot-message frames and
 * records acks, pushing unacked frames again on each new connection), session webhooks, the robot
 * send APIs (text, picture and file messages), the oapi media upload, AI cards and file downloads.
 * It keeps what the robot shows per chat.
 */
export class FakeDingTalk extends FakePlatformServer {
  readonly clientId = FAKE_DINGTALK_CLIENT_ID;
  readonly clientSecret = FAKE_DINGTALK_CLIENT_SECRET;
  private readonly tokens = new Set<string>();
  private readonly tickets = new Set<string>();
  private readonly sessions = new Map<string, Session>();
  private readonly sent: FakeDingTalkBotMessage[] = [];
  private readonly attempts: { chat: string; at: number; accepted: boolean }[] = [];
  private readonly frames: FakeDingTalkFrame[] = [];
  private readonly files = new Map<string, Buffer>();
  private readonly media = new Map<string, FakeUploadedFile>();
  private readonly sockets = new Set<WebSocket>();
  private readonly ackWaiters = new Map<string, (() => void)[]>();
  private sendFailures: { failure: FakeDingTalkSendFailure; remaining: number } | undefined;
  private readonly wsHttp = createServer();
  private readonly ws = new WebSocketServer({ server: this.wsHttp });
  private wsPort: number | undefined;
  private lastMsg = 0;
  /** Stream connections opened so far (reconnects count). */
  connectionsOpened = 0;

  constructor() {
    super();
    this.route('POST', '/v1.0/oauth2/accessToken', (call) => this.accessToken(call.body.appKey, call.body.appSecret, 'new'));
    this.route('GET', '/gettoken', (call) => this.accessToken(call.query.appkey, call.query.appsecret, 'old'));
    this.route('POST', '/v1.0/gateway/connections/open', (call) => this.openConnection(call));
    this.route('POST', '/robot/sendBySession/:session', (call) => this.sendBySession(call));
    this.route('POST', '/v1.0/robot/oToMessages/batchSend', (call) => this.authorized(call, () => this.batchSend(call)));
    this.route('POST', '/v1.0/robot/groupMessages/send', (call) => this.authorized(call, () => this.groupSend(call)));
    this.route('POST', '/v1.0/card/instances/createAndDeliver', (call) => this.authorized(call, () => this.createCard(call)));
    this.route('PUT', '/v1.0/card/streaming', (call) => this.authorized(call, () => this.streamCard(call)));
    this.route('POST', '/v1.0/robot/messageFiles/download', (call) => this.authorized(call, () => this.downloadLink(call)));
    this.route('POST', '/media/upload', (call) => this.mediaUpload(call));
    this.route('GET', '/files/:code', (call) => {
      const data = this.files.get(call.params.code);
      return data ? { body: data, headers: { 'content-type': 'application/octet-stream' } } : { status: 404, body: 'no such file' };
    });
    this.ws.on('connection', (socket, request) => this.accept(socket, request.url ?? ''));
  }

  override async start(): Promise<void> {
    await super.start();
    this.wsPort = await listenOnFreePort(this.wsHttp);
  }

  override async stop(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    this.ws.close();
    await Promise.all([super.stop(), closeServer(this.wsHttp)]);
  }

  /** Forgets recorded calls, what the robot sent, frames, files, uploads and injected failures; connections and tokens stay. */
  override clear(): void {
    super.clear();
    this.sent.length = 0;
    this.attempts.length = 0;
    this.frames.length = 0;
    this.files.clear();
    this.media.clear();
    this.sessions.clear();
    this.sendFailures = undefined;
  }

  // ---- acting as DingTalk and its users

  /** Pushes a robot message over the Stream connection (or keeps it for the next connection); resolves with its frame. */
  push(spec: FakeDingTalkMessageSpec): FakeDingTalkFrame {
    const msgId = spec.msgId ?? this.nextMsgId();
    const frame: FakeDingTalkFrame = { messageId: randomUUID(), msgId, payload: this.payload(spec, msgId), acked: false, sent: 0 };
    this.frames.push(frame);
    this.writeFrame(frame);
    return frame;
  }

  /** Pushes the same frame again (same messageId and msgId), as DingTalk does when an ack is late. */
  pushAgain(frame: FakeDingTalkFrame): void {
    frame.acked = false;
    this.writeFrame(frame);
  }

  /** Resolves once the client acked the frame (a frame acked before counts). */
  waitForAck(frame: FakeDingTalkFrame, timeoutMs = 10_000): Promise<void> {
    if (frame.acked) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`FakeDingTalk: frame ${frame.msgId} not acked within ${timeoutMs} ms`)), timeoutMs);
      const waiters = this.ackWaiters.get(frame.messageId) ?? [];
      waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
      this.ackWaiters.set(frame.messageId, waiters);
    });
  }

  /** Frames not acked yet. */
  get unacked(): FakeDingTalkFrame[] {
    return this.frames.filter((frame) => !frame.acked);
  }

  /** Stream connections open now. */
  get openConnections(): number {
    return this.sockets.size;
  }

  /** Closes every Stream connection from DingTalk's side. */
  dropConnections(): void {
    for (const socket of this.sockets) socket.terminate();
  }

  /** The robot message payload and signed headers of an HTTP callback (`sign` of `secret`, default the app's). */
  callback(spec: FakeDingTalkMessageSpec, options: { timestamp?: number; secret?: string } = {}): { body: string; headers: Record<string, string>; msgId: string } {
    const msgId = spec.msgId ?? this.nextMsgId();
    const body = JSON.stringify(this.payload(spec, msgId));
    const headers = { 'content-type': 'application/json', ...callbackHeaders(options.secret ?? this.clientSecret, options.timestamp) };
    return { body, headers, msgId };
  }

  /** Makes a picture or file downloadable under `downloadCode`. */
  addFile(downloadCode: string, data: Buffer): void {
    this.files.set(downloadCode, data);
  }

  /** Every access token given so far stops working (DingTalk answers InvalidAuthentication). */
  expireTokens(): void {
    this.tokens.clear();
  }

  /** Every session webhook given so far stops working. */
  expireSessionWebhooks(): void {
    for (const session of this.sessions.values()) session.expiresAt = 0;
  }

  /** The next `times` sends (session webhook, OpenAPI or new card; not card updates) fail this way. */
  failSends(failure: FakeDingTalkSendFailure, times: number): void {
    this.sendFailures = { failure, remaining: times };
  }

  // ---- what the robot did

  messagesIn(chat: string): FakeDingTalkBotMessage[] {
    return this.sent.filter((message) => message.chat === chat);
  }

  sendAttempts(chat: string): { at: number; accepted: boolean }[] {
    return this.attempts.filter((attempt) => attempt.chat === chat).map(({ at, accepted }) => ({ at, accepted }));
  }

  // ---- the routes

  private accessToken(appKey: unknown, appSecret: unknown, style: 'new' | 'old'): FakePlatformReply {
    if (appKey !== this.clientId || appSecret !== this.clientSecret) {
      return style === 'new'
        ? { status: 400, body: { code: 'invalidClientIdOrSecret', message: '无效的clientId或者clientSecret', requestid: randomUUID() } }
        : { body: { errcode: 40089, errmsg: 'invalid appkey or appsecret' } };
    }
    const token = randomUUID().replaceAll('-', '');
    this.tokens.add(token);
    return style === 'new' ? { body: { accessToken: token, expireIn: TOKEN_TTL_S } } : { body: { errcode: 0, errmsg: 'ok', access_token: token, expires_in: TOKEN_TTL_S } };
  }

  private openConnection(call: FakePlatformCall): FakePlatformReply {
    if (call.body.clientId !== this.clientId || call.body.clientSecret !== this.clientSecret) {
      return { status: 401, body: { code: 'InvalidAuthentication', message: 'clientId or clientSecret is wrong' } };
    }
    const subscriptions = Array.isArray(call.body.subscriptions) ? (call.body.subscriptions as { type?: string; topic?: string }[]) : [];
    if (!subscriptions.some((s) => s.type === 'CALLBACK' && s.topic === TOPIC_ROBOT)) {
      return { status: 400, body: { code: 'invalidParameter', message: 'no subscription to the robot topic' } };
    }
    const ticket = randomUUID();
    this.tickets.add(ticket);
    return { body: { endpoint: `ws://127.0.0.1:${this.wsPort}/connect`, ticket } };
  }

  private authorized(call: FakePlatformCall, handle: () => FakePlatformReply): FakePlatformReply {
    const token = call.headers['x-acs-dingtalk-access-token'];
    if (typeof token !== 'string' || !this.tokens.has(token)) {
      return { status: 401, body: { code: 'InvalidAuthentication', message: '不合法的access_token', requestid: randomUUID() } };
    }
    return handle();
  }

  private sendBySession(call: FakePlatformCall): FakePlatformReply {
    const session = this.sessions.get(call.params.session);
    if (!session || session.expiresAt <= Date.now()) return { body: { errcode: 300001, errmsg: 'session expired' } };
    const failed = this.takeFailure(session.chat, 'webhook');
    if (failed) return failed;
    const text = (call.body.text as { content?: string } | undefined)?.content ?? '';
    this.sent.push({ chat: session.chat, text, via: 'sessionWebhook', updates: 0 });
    return { body: { errcode: 0, errmsg: 'ok' } };
  }

  private batchSend(call: FakePlatformCall): FakePlatformReply {
    const users = (call.body.userIds as string[] | undefined) ?? [];
    const shown = this.robotMessage(call);
    if ('refused' in shown) return shown.refused;
    for (const user of users) {
      const failed = this.takeFailure(user, 'openapi');
      if (failed) return failed;
      this.sent.push({ chat: user, ...shown, via: 'openapi', updates: 0 });
    }
    return { body: { processQueryKey: randomUUID(), invalidStaffIdList: [], flowControlledStaffIdList: [] } };
  }

  private groupSend(call: FakePlatformCall): FakePlatformReply {
    const chat = String(call.body.openConversationId ?? '');
    const shown = this.robotMessage(call);
    if ('refused' in shown) return shown.refused;
    const failed = this.takeFailure(chat, 'openapi');
    if (failed) return failed;
    this.sent.push({ chat, ...shown, via: 'openapi', updates: 0 });
    return { body: { processQueryKey: randomUUID() } };
  }

  /** `POST /media/upload?access_token=…&type=…` (the oapi server): a multipart `media` file, answered with its media_id. */
  private mediaUpload(call: FakePlatformCall): FakePlatformReply {
    if (!this.tokens.has(call.query.access_token ?? '')) return { body: { errcode: 40014, errmsg: '不合法的access_token' } };
    const limits = MEDIA_TYPES[call.query.type ?? ''];
    if (!limits) return { body: { errcode: 40004, errmsg: '不合法的媒体文件类型' } };
    const media = call.body.media as FakeUploadedFile | undefined;
    if (!media?.data || !media.filename) return { body: { errcode: 41005, errmsg: '缺少多媒体文件数据' } };
    const format = /\.([A-Za-z0-9]+)$/.exec(media.filename)?.[1]?.toLowerCase() ?? '';
    if (!limits.formats.includes(format)) return { body: { errcode: 40005, errmsg: '不合法的文件类型' } };
    if (media.data.length > limits.maxBytes) return { body: { errcode: 40006, errmsg: '不合法的文件大小' } };
    const mediaId = `@fakeMedia${randomUUID().replaceAll('-', '')}`;
    this.media.set(mediaId, media);
    return { body: { errcode: 0, errmsg: 'ok', type: call.query.type, media_id: mediaId, created_at: Date.now() } };
  }

  private createCard(call: FakePlatformCall): FakePlatformReply {
    const space = String(call.body.openSpaceId ?? '');
    const chat = /^dtv1\.card\/\/IM_(?:ROBOT|GROUP)\.(.+)$/.exec(space)?.[1];
    if (!chat || !call.body.cardTemplateId || !call.body.outTrackId) return { status: 400, body: { code: 'invalidParameter', message: 'openSpaceId, cardTemplateId and outTrackId are required' } };
    const failed = this.takeFailure(chat, 'openapi');
    if (failed) return failed;
    const params = (call.body.cardData as { cardParamMap?: Record<string, string> } | undefined)?.cardParamMap ?? {};
    this.sent.push({ chat, text: params.content ?? '', via: 'card', outTrackId: String(call.body.outTrackId), updates: 0 });
    return { body: { success: true, result: { outTrackId: call.body.outTrackId, deliverResults: [{ success: true }] } } };
  }

  private streamCard(call: FakePlatformCall): FakePlatformReply {
    const card = this.sent.find((message) => message.via === 'card' && message.outTrackId === call.body.outTrackId);
    if (!card) return { status: 400, body: { code: 'param.cardNotExist', message: 'card not found' } };
    const content = String(call.body.content ?? '');
    card.text = call.body.isFull === false ? card.text + content : content;
    card.updates += 1;
    return { body: { success: true } };
  }

  private downloadLink(call: FakePlatformCall): FakePlatformReply {
    const code = String(call.body.downloadCode ?? '');
    if (!this.files.has(code) || call.body.robotCode !== this.clientId) return { status: 400, body: { code: 'invalidParameter', message: 'unknown downloadCode' } };
    return { body: { downloadUrl: `${this.url}/files/${encodeURIComponent(code)}` } };
  }

  /**
   * What a robot message (`msgKey`, `msgParam`) shows: a text, or an uploaded picture or file; a
   * message DingTalk would refuse (unknown template, unknown media_id) as its answer.
   */
  private robotMessage(call: FakePlatformCall): Pick<FakeDingTalkBotMessage, 'text' | 'file'> | { refused: FakePlatformReply } {
    const refused = (message: string) => ({ refused: { status: 400, body: { code: 'invalidParameter', message } } });
    let param: Record<string, unknown>;
    try {
      param = JSON.parse(String(call.body.msgParam ?? '')) as Record<string, unknown>;
    } catch {
      return refused('msgParam is not JSON');
    }
    const uploaded = (mediaId: unknown) => this.media.get(String(mediaId ?? ''));
    switch (call.body.msgKey) {
      case 'sampleText':
        return { text: String(param.content ?? '') };
      case 'sampleImageMsg': {
        const picture = uploaded(param.photoURL);
        return picture ? { text: '', file: { fileName: picture.filename, data: picture.data } } : refused('photoURL is no media_id of an uploaded picture');
      }
      case 'sampleFile': {
        const file = uploaded(param.mediaId);
        if (!file || !param.fileName || !param.fileType) return refused('sampleFile needs the mediaId of an uploaded file, fileName and fileType');
        return { text: '', file: { fileName: String(param.fileName), data: file.data } };
      }
      default:
        return refused(`unknown msgKey ${String(call.body.msgKey)}`);
    }
  }

  /** Records a send attempt; the injected failure's answer when one is due. */
  private takeFailure(chat: string, style: 'webhook' | 'openapi'): FakePlatformReply | undefined {
    const due = this.sendFailures;
    const at = Date.now();
    if (!due || due.remaining <= 0) {
      this.attempts.push({ chat, at, accepted: true });
      return undefined;
    }
    due.remaining -= 1;
    this.attempts.push({ chat, at, accepted: false });
    if (due.failure.kind === 'server_error') return { status: 500, body: { code: 'ServiceUnavailable', message: 'try again later' } };
    const retryAfter = String(due.failure.retryAfterSeconds);
    return style === 'webhook'
      ? { headers: { 'retry-after': retryAfter }, body: { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' } }
      : { status: 429, headers: { 'retry-after': retryAfter }, body: { code: 'Forbidden.AccessDenied.QpsLimitForApi', message: 'qps limit' } };
  }

  // ---- the Stream connection

  private payload(spec: FakeDingTalkMessageSpec, msgId: string): Record<string, unknown> {
    const session = randomUUID();
    const chat = spec.group ?? spec.from.staffId;
    const expiresAt = spec.sessionWebhookExpiresAt ?? Date.now() + 90 * 60_000;
    this.sessions.set(session, { chat, expiresAt });
    return robotMessage({ ...spec, sessionWebhookExpiresAt: expiresAt }, `${this.url}/robot/sendBySession/${session}`, msgId);
  }

  private nextMsgId(): string {
    this.lastMsg += 1;
    return `msgFake${String(this.lastMsg).padStart(8, '0')}==`;
  }

  private accept(socket: WebSocket, url: string): void {
    const ticket = new URL(url, 'ws://fake').searchParams.get('ticket') ?? '';
    // A ticket opens one connection.
    if (!this.tickets.delete(ticket)) {
      socket.close(4001, 'invalid ticket');
      return;
    }
    this.connectionsOpened += 1;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('message', (data) => this.onUpstream(socket, data.toString()));
    // What DingTalk did not get an ack for is pushed again on the new connection.
    for (const frame of this.unacked) this.send(socket, frame);
  }

  private writeFrame(frame: FakeDingTalkFrame): void {
    // The newest connection receives; with none open the frame waits for the next one.
    const socket = [...this.sockets].at(-1);
    if (socket) this.send(socket, frame);
  }

  private send(socket: WebSocket, frame: FakeDingTalkFrame): void {
    frame.sent += 1;
    socket.send(
      JSON.stringify({
        specVersion: '1.0',
        type: 'CALLBACK',
        headers: {
          appId: this.clientId,
          connectionId: 'fake-connection',
          contentType: 'application/json',
          messageId: frame.messageId,
          time: String(Date.now()),
          topic: TOPIC_ROBOT,
        },
        data: JSON.stringify(frame.payload),
      }),
    );
  }

  private onUpstream(_socket: WebSocket, text: string): void {
    let ack: { code?: number; headers?: { messageId?: string } };
    try {
      ack = JSON.parse(text) as typeof ack;
    } catch {
      return;
    }
    const frame = this.frames.find((candidate) => candidate.messageId === ack.headers?.messageId);
    if (!frame || ack.code !== 200) return;
    frame.acked = true;
    for (const wake of this.ackWaiters.get(frame.messageId) ?? []) wake();
    this.ackWaiters.delete(frame.messageId);
  }
}
