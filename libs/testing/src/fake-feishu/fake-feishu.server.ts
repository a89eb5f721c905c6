import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { FakePlatformServer, type FakePlatformCall, type FakePlatformReply, type FakeUploadedFile } from '../fake-platform/fake-platform.server';
import { closeServer, listenOnFreePort } from '../ports';
import { FeishuEventBuilder, type FeishuEnvelope } from './fake-feishu.events';
import { FRAME_CONTROL, FRAME_DATA, decodeFrame, encodeFrame } from './fake-feishu.frames';

export const FAKE_FEISHU_APP_ID = 'cli_a1b2c3d4e5f60789';
export const FAKE_FEISHU_APP_SECRET = 'fake-feishu-app-secret';
export const FAKE_FEISHU_BOT = { open_id: 'ou_fakebot00000000000000000000000001', app_name: 'Switchboard' };

/** A message the bot sent, as a user sees it now. */
export interface FakeFeishuMessage {
  messageId: string;
  chatId: string;
  msgType: string;
  /** The text now shown (text messages), or the image/file key. */
  text: string;
  /** Every text it showed, first to last (edits included). */
  history: string[];
  edits: number;
  replyTo?: string;
  /** The root of the thread it was posted in (reply_in_thread). */
  threadRoot?: string;
  recalled: boolean;
  /** The CardKit card an `interactive` message shows (its text is the card's). */
  cardId?: string;
  fileName?: string;
  data?: Buffer;
}

/** An event pushed over the long connection, and what the client answered (code 200 = acked). */
export interface FakeFeishuPush {
  id: string;
  envelope: FeishuEnvelope;
  answer: Promise<number | undefined>;
  /** Resolves once a connection acked it with code 200 (after redeliveries, if need be). */
  acked: Promise<void>;
}

// Feishu refuses the 21st edit of a message.
const MAX_EDITS = 20;

/**
 * The Feishu/Lark Open Platform on 127.0.0.1, enough of it for @larksuiteoapi/node-sdk:
 * tenant_access_token, bot info, sending/replying/editing/recalling messages (edits counted and
 * the 21st refused with 230072), uploads and resource downloads, and the long connection (the
 * SDK asks `/callback/ws/endpoint` for a ws URL, then speaks protobuf frames; events it does not
 * ack with code 200 are pushed again when it reconnects).
 */
export class FakeFeishuServer extends FakePlatformServer {
  readonly build: FeishuEventBuilder;
  private token = `t-${randomUUID()}`;
  private readonly messages: FakeFeishuMessage[] = [];
  private readonly userMessageChats = new Map<string, string>();
  private readonly resources = new Map<string, Buffer>();
  private readonly cards = new Map<string, { text: string; sequence: number; streaming: boolean }>();
  private readonly uploads = new Map<string, { fileName?: string; data: Buffer }>();
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly wsServer = createUpgradeServer(this.wss);
  private wsPort: number | undefined;
  private readonly sockets = new Set<WebSocket>();
  private readonly greeted = new WeakSet<WebSocket>();
  private readonly sentOn = new WeakMap<WebSocket, Set<string>>();
  private readonly pending = new Map<string, { push: FakeFeishuPush; settle: (code: number | undefined) => void; ack: () => void }>();
  private failingSends: { reply: FakePlatformReply; remaining: number } | undefined;
  private opened = 0;
  private refusingConnections = false;
  private nextId = 1;

  constructor(readonly options: { appId?: string; appSecret?: string } = {}) {
    super();
    this.build = new FeishuEventBuilder((messageId, chatId) => this.userMessageChats.set(messageId, chatId), (key, data) => this.resources.set(key, data));
    this.route('POST', '/open-apis/auth/v3/tenant_access_token/internal', (call) => this.tenantToken(call));
    this.route('GET', '/open-apis/bot/v3/info', (call) => this.authed(call, () => ({ body: { code: 0, msg: 'ok', bot: { ...FAKE_FEISHU_BOT, activate_status: 2 } } })));
    this.route('POST', '/open-apis/im/v1/messages', (call) => this.authed(call, () => this.create(call)));
    this.route('POST', '/open-apis/im/v1/messages/:id/reply', (call) => this.authed(call, () => this.reply(call)));
    this.route('GET', '/open-apis/im/v1/messages/:id', (call) => this.authed(call, () => this.getMessage(call)));
    this.route('PUT', '/open-apis/im/v1/messages/:id', (call) => this.authed(call, () => this.update(call)));
    this.route('DELETE', '/open-apis/im/v1/messages/:id', (call) => this.authed(call, () => this.recall(call)));
    this.route('GET', '/open-apis/im/v1/messages/:id/resources/:key', (call) => this.authed(call, () => this.resource(call)));
    this.route('POST', '/open-apis/im/v1/images', (call) => this.authed(call, () => this.upload(call, 'image', 'img_v2_')));
    this.route('POST', '/open-apis/im/v1/files', (call) => this.authed(call, () => this.upload(call, 'file', 'file_v3_')));
    this.route('POST', '/callback/ws/endpoint', (call) => this.endpoint(call));
    this.route('POST', '/open-apis/cardkit/v1/cards', (call) => this.authed(call, () => this.createCard(call)));
    this.route('PUT', '/open-apis/cardkit/v1/cards/:card/elements/:element/content', (call) => this.authed(call, () => this.streamCard(call)));
    this.route('PATCH', '/open-apis/cardkit/v1/cards/:card/settings', (call) => this.authed(call, () => this.cardSettings(call)));
    this.wss.on('connection', (socket) => this.connected(socket));
  }

  override async start(): Promise<void> {
    await super.start();
    this.wsPort = await listenOnFreePort(this.wsServer);
  }

  override async stop(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    for (const { settle } of this.pending.values()) settle(undefined);
    await closeServer(this.wsServer);
    await super.stop();
  }

  get appId(): string {
    return this.options.appId ?? FAKE_FEISHU_APP_ID;
  }

  /** What the bot sent to a chat, oldest first (recalled messages left out). */
  messagesIn(chatId: string): FakeFeishuMessage[] {
    return this.messages.filter((message) => message.chatId === chatId && !message.recalled);
  }

  /** Every message the bot sent, recalled ones too. */
  allMessages(): FakeFeishuMessage[] {
    return [...this.messages];
  }

  /** Whether a card is still in streaming mode. */
  cardStreaming(cardId: string): boolean | undefined {
    return this.cards.get(cardId)?.streaming;
  }

  /** The chat a message (the bot's or a built user message) is in. */
  chatOf(messageId: string): string | undefined {
    return this.userMessageChats.get(messageId) ?? this.messages.find((message) => message.messageId === messageId)?.chatId;
  }

  /** The next `times` new messages (create or reply, not edits) get `reply` instead. */
  failNextSends(reply: FakePlatformReply, times = 1): void {
    this.failingSends = { reply, remaining: times };
  }

  /** The tenant_access_token handed out so far stops working (99991663), as when it expires early. */
  invalidateTokens(): void {
    this.token = `t-${randomUUID()}`;
  }

  /** Long connections opened so far (reconnects count). */
  get connectionsOpened(): number {
    return this.opened;
  }

  get connectionsOpen(): number {
    return this.sockets.size;
  }

  /**
   * Pushes an event to every open long connection; `answer` resolves with the code the client
   * acked with (200), or undefined when the connection closed first (it is pushed again on the next
   * connection, as is one answered with another code).
   */
  push(envelope: FeishuEnvelope): FakeFeishuPush {
    const id = randomUUID();
    let settle!: (code: number | undefined) => void;
    let ack!: () => void;
    const answer = new Promise<number | undefined>((resolve) => (settle = resolve));
    const acked = new Promise<void>((resolve) => (ack = resolve));
    const push: FakeFeishuPush = { id, envelope, answer, acked };
    this.pending.set(id, { push, settle, ack });
    for (const socket of this.sockets) this.sendEvent(socket, push);
    return push;
  }

  /** Closes every long connection from the server side (the client is expected to reconnect). */
  dropConnections(): void {
    for (const socket of this.sockets) socket.terminate();
  }

  /** While on, the ws endpoint answers "internal error" (which the SDK retries): the long connection cannot come back. */
  refuseConnections(on: boolean): void {
    this.refusingConnections = on;
  }

  /** Resolves once at least `count` long connections are open. */
  async waitForConnections(count = 1, timeoutMs = 10_000): Promise<void> {
    const started = Date.now();
    while (this.sockets.size < count) {
      if (Date.now() - started > timeoutMs) throw new Error(`FakeFeishuServer: ${this.sockets.size} of ${count} long connections open after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  protected override unmatched(call: FakePlatformCall): FakePlatformReply {
    return { status: 404, body: { code: 404, msg: `FakeFeishuServer has no route for ${call.method} ${call.path}` } };
  }

  private tenantToken(call: FakePlatformCall): FakePlatformReply {
    const { app_id, app_secret } = call.body as { app_id?: string; app_secret?: string };
    if (app_id !== this.appId || app_secret !== (this.options.appSecret ?? FAKE_FEISHU_APP_SECRET)) {
      return { body: { code: 10014, msg: 'app secret invalid' } };
    }
    return { body: { code: 0, msg: 'ok', tenant_access_token: this.token, expire: 7200 } };
  }

  private authed(call: FakePlatformCall, answer: () => FakePlatformReply): FakePlatformReply {
    if (call.headers.authorization !== `Bearer ${this.token}`) {
      return { status: 400, body: { code: 99991663, msg: 'Invalid access token for authorization. Please make a request with token attached.' } };
    }
    return answer();
  }

  private create(call: FakePlatformCall): FakePlatformReply {
    const failure = this.takeSendFailure();
    if (failure) return failure;
    if (call.query.receive_id_type !== 'chat_id') return invalid('receive_id_type must be chat_id here');
    const { receive_id, msg_type, content } = call.body as { receive_id?: string; msg_type?: string; content?: string };
    if (!receive_id || !msg_type || typeof content !== 'string') return invalid('receive_id, msg_type and content are required');
    return this.store({ chatId: receive_id, msgType: msg_type, content });
  }

  private reply(call: FakePlatformCall): FakePlatformReply {
    const failure = this.takeSendFailure();
    if (failure) return failure;
    const parentId = call.params.id;
    const { msg_type, content, reply_in_thread } = call.body as { msg_type?: string; content?: string; reply_in_thread?: boolean };
    const chatId = this.chatOf(parentId);
    if (!chatId) return { status: 400, body: { code: 230011, msg: 'The message was not found.' } };
    if (!msg_type || typeof content !== 'string') return invalid('msg_type and content are required');
    return this.store({ chatId, msgType: msg_type, content, replyTo: parentId, threadRoot: reply_in_thread ? parentId : undefined });
  }

  private takeSendFailure(): FakePlatformReply | undefined {
    const failing = this.failingSends;
    if (!failing || failing.remaining <= 0) return undefined;
    failing.remaining -= 1;
    return failing.reply;
  }

  private store(input: { chatId: string; msgType: string; content: string; replyTo?: string; threadRoot?: string }): FakePlatformReply {
    const content = parseContent(input.content);
    if (!content) return invalid('content is not JSON');
    const upload = this.uploads.get(String(content.image_key ?? content.file_key ?? ''));
    const cardId = input.msgType === 'interactive' ? (content.data as { card_id?: string } | undefined)?.card_id : undefined;
    const card = cardId ? this.cards.get(cardId) : undefined;
    if (input.msgType === 'interactive' && !card) return invalid('interactive content must name a card_id that exists');
    const text = card ? card.text : input.msgType === 'text' ? String(content.text ?? '') : String(content.image_key ?? content.file_key ?? '');
    const messageId = `om_bot${String(this.nextId++).padStart(28, '0')}`;
    this.messages.push({ messageId, ...input, text, history: [text], edits: 0, recalled: false, cardId, fileName: upload?.fileName, data: upload?.data });
    return { body: { code: 0, msg: 'success', data: { message_id: messageId, chat_id: input.chatId, msg_type: input.msgType, body: { content: input.content } } } };
  }

  private update(call: FakePlatformCall): FakePlatformReply {
    const message = this.messages.find((candidate) => candidate.messageId === call.params.id && !candidate.recalled);
    if (!message) return { status: 400, body: { code: 230011, msg: 'The message was not found.' } };
    if (message.edits >= MAX_EDITS) return { status: 400, body: { code: 230072, msg: 'The message has reached the number of times it can be edited.' } };
    const content = parseContent(String((call.body as { content?: unknown }).content ?? ''));
    if (!content || typeof content.text !== 'string') return invalid('content must be {"text": ...}');
    message.edits += 1;
    message.text = content.text;
    message.history.push(content.text);
    return { body: { code: 0, msg: 'success', data: { message_id: message.messageId } } };
  }

  private createCard(call: FakePlatformCall): FakePlatformReply {
    const { type, data } = call.body as { type?: string; data?: string };
    const card = type === 'card_json' && typeof data === 'string' ? parseContent(data) : undefined;
    const elements = (card?.body as { elements?: { tag?: string; content?: string }[] } | undefined)?.elements;
    if (!card || card.schema !== '2.0' || !Array.isArray(elements)) return invalid('expected card_json data of a JSON 2.0 card');
    const cardId = `7355${String(this.nextId++).padStart(15, '0')}`;
    const streaming = (card.config as { streaming_mode?: boolean } | undefined)?.streaming_mode === true;
    this.cards.set(cardId, { text: elements.map((element) => element.content ?? '').join('\n'), sequence: 0, streaming });
    return { body: { code: 0, msg: 'success', data: { card_id: cardId } } };
  }

  private streamCard(call: FakePlatformCall): FakePlatformReply {
    const card = this.cards.get(call.params.card);
    const { content, sequence } = call.body as { content?: string; sequence?: number };
    if (!card) return invalid('unknown card');
    if (!card.streaming) return { status: 400, body: { code: 300309, msg: 'streaming mode is closed' } };
    if (typeof sequence !== 'number' || sequence <= card.sequence) return { status: 400, body: { code: 300317, msg: 'sequence number compare failed' } };
    if (typeof content !== 'string') return invalid('content is required');
    card.sequence = sequence;
    card.text = content;
    for (const message of this.messages) {
      if (message.cardId !== call.params.card) continue;
      message.text = content;
      message.history.push(content);
      message.edits += 1;
    }
    return { body: { code: 0, msg: 'success', data: {} } };
  }

  private cardSettings(call: FakePlatformCall): FakePlatformReply {
    const card = this.cards.get(call.params.card);
    const { settings, sequence } = call.body as { settings?: string; sequence?: number };
    const parsed = typeof settings === 'string' ? parseContent(settings) : undefined;
    if (!card || !parsed) return invalid('unknown card or settings not JSON');
    if (typeof sequence !== 'number' || sequence <= card.sequence) return { status: 400, body: { code: 300317, msg: 'sequence number compare failed' } };
    card.sequence = sequence;
    const streaming = (parsed.config as { streaming_mode?: unknown } | undefined)?.streaming_mode;
    if (typeof streaming === 'boolean') card.streaming = streaming;
    return { body: { code: 0, msg: 'success', data: {} } };
  }

  private getMessage(call: FakePlatformCall): FakePlatformReply {
    const id = call.params.id;
    const mine = this.messages.find((message) => message.messageId === id && !message.recalled);
    const chatId = mine?.chatId ?? this.userMessageChats.get(id);
    if (!chatId) return { status: 400, body: { code: 230011, msg: 'The message was not found.' } };
    const sender = mine ? { id: this.appId, id_type: 'app_id', sender_type: 'app' } : { id: 'ou_someone', id_type: 'open_id', sender_type: 'user' };
    return { body: { code: 0, msg: 'success', data: { items: [{ message_id: id, chat_id: chatId, msg_type: mine?.msgType ?? 'text', sender }] } } };
  }

  private recall(call: FakePlatformCall): FakePlatformReply {
    const message = this.messages.find((candidate) => candidate.messageId === call.params.id);
    if (!message) return { status: 400, body: { code: 230011, msg: 'The message was not found.' } };
    message.recalled = true;
    return { body: { code: 0, msg: 'success', data: {} } };
  }

  private resource(call: FakePlatformCall): FakePlatformReply {
    const data = this.resources.get(`${call.params.id}/${call.params.key}`);
    if (!data) return { status: 400, body: { code: 234003, msg: 'File not in msg.' } };
    return { body: data, headers: { 'content-type': 'application/octet-stream' } };
  }

  private upload(call: FakePlatformCall, field: 'image' | 'file', prefix: string): FakePlatformReply {
    const file = call.body[field] as FakeUploadedFile | undefined;
    if (!file?.data) return invalid(`multipart field ${field} is required`);
    const key = `${prefix}${randomUUID()}`;
    this.uploads.set(key, { fileName: typeof call.body.file_name === 'string' ? call.body.file_name : undefined, data: file.data });
    return { body: { code: 0, msg: 'success', data: field === 'image' ? { image_key: key } : { file_key: key } } };
  }

  private endpoint(call: FakePlatformCall): FakePlatformReply {
    const { AppID, AppSecret } = call.body as { AppID?: string; AppSecret?: string };
    if (AppID !== this.appId || AppSecret !== (this.options.appSecret ?? FAKE_FEISHU_APP_SECRET)) return { body: { code: 514, msg: 'auth failed', data: {} } };
    if (this.refusingConnections) return { body: { code: 1000040343, msg: 'internal error', data: {} } };
    return {
      body: {
        code: 0,
        msg: 'ok',
        data: {
          URL: `ws://127.0.0.1:${this.wsPort}/ws?device_id=fake-device&service_id=7`,
          // Reconnect at once and keep trying: tests drop connections on purpose.
          ClientConfig: { PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 1, ReconnectNonce: 0 },
        },
      },
    };
  }

  private connected(socket: WebSocket): void {
    this.opened += 1;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('message', (data: Buffer) => this.received(socket, data));
  }

  private received(socket: WebSocket, data: Buffer): void {
    const frame = decodeFrame(data);
    if (frame.method === FRAME_CONTROL && frame.headers.type === 'ping') {
      // The client pings as soon as it is open and listening: what was not acked on an earlier
      // connection comes again then.
      if (!this.greeted.has(socket)) {
        this.greeted.add(socket);
        for (const { push } of this.pending.values()) this.sendEvent(socket, push);
      }
      const pong = { PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 1, ReconnectNonce: 0 };
      socket.send(encodeFrame({ ...frame, headers: { type: 'pong' }, payload: Buffer.from(JSON.stringify(pong)) }));
      return;
    }
    const entry = this.pending.get(frame.headers.message_id ?? '');
    if (frame.method !== FRAME_DATA || !entry) return;
    const code = Number((JSON.parse(frame.payload?.toString('utf8') ?? '{}') as { code?: unknown }).code);
    // Anything but 200 leaves the event pending: it is pushed again on the next connection.
    if (code === 200) {
      this.pending.delete(entry.push.id);
      entry.ack();
    }
    entry.settle(code);
  }

  /** Sends an event on a connection once (a connection that did not ack it gets it again only after a reconnect). */
  private sendEvent(socket: WebSocket, push: FakeFeishuPush): void {
    const sent = this.sentOn.get(socket) ?? new Set<string>();
    if (sent.has(push.id)) return;
    sent.add(push.id);
    this.sentOn.set(socket, sent);
    const payload = Buffer.from(JSON.stringify(push.envelope));
    const headers = { type: 'event', message_id: push.id, sum: '1', seq: '0', trace_id: randomUUID() };
    socket.send(encodeFrame({ seqId: this.nextId++, logId: this.nextId++, service: 7, method: FRAME_DATA, headers, payload }));
  }
}

function createUpgradeServer(wss: WebSocketServer) {
  // A server of its own: the endpoint hands out its URL, as Feishu's does.
  const server = createServer((_req, res) => res.writeHead(426).end());
  server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)));
  return server;
}

function parseContent(raw: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function invalid(msg: string): FakePlatformReply {
  return { status: 400, body: { code: 230001, msg: `invalid request: ${msg}` } };
}
