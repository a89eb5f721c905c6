import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { closeServer, listenOnFreePort } from '../ports';

/** Credentials of the fake AI bot. */
export const FAKE_WECOM_BOT = { botId: 'aibfakebot01', secret: 'fake-aibot-secret' } as const;

/** A message a user sends the bot. */
export interface FakeAibotMessage {
  from: string;
  text: string;
  /** Set for a group chat (the bot receives only messages that @-mention it there). */
  chatId?: string;
}

/** One `aibot_msg_callback` the fake sent. */
export interface FakeAibotCallback {
  reqId: string;
  msgId: string;
  /** The chat the bot's replies show in: the group, or the user for direct chats. */
  chat: string;
  frame: string;
}

/** A file the bot uploaded as temporary media (`aibot_upload_media_init`, `_chunk`s, `_finish`). */
export interface FakeAibotMedia {
  type: FakeAibotMediaType;
  filename: string;
  data: Buffer;
}

export type FakeAibotMediaType = 'file' | 'image' | 'voice' | 'video';

/**
 * A message the bot shows in a chat: a reply stream (its latest text), a pushed markdown message,
 * or a pushed media message (text empty).
 */
export interface FakeAibotBotMessage {
  kind: 'stream' | 'push' | 'media';
  chat: string;
  /** What a media message shows. */
  media?: FakeAibotMedia;
  streamId?: string;
  /** The req_id of the message a stream answers. */
  reqId?: string;
  text: string;
  finished: boolean;
  /** Every text a stream showed, oldest first. */
  history: string[];
}

type Frame = { cmd?: string; headers?: { req_id?: string }; body?: Record<string, unknown> };
type Answer = (errcode?: number, errmsg?: string, body?: Record<string, unknown>) => void;
type Waiter = { matches: () => boolean; resolve: () => void };
/** An upload between its init and its finish. */
type Upload = { type: FakeAibotMediaType; filename: string; totalSize: number; chunkCount: number; md5?: string; chunks: Map<number, Buffer> };

const STREAM_MAX_BYTES = 20_480;
// WeCom's limits on temporary media: at least 5 bytes, at most these per type, in chunks of at most
// 512 KB (before base64), 100 chunks at most.
const MEDIA_MIN_BYTES = 5;
const MEDIA_MAX_BYTES: Record<FakeAibotMediaType, number> = { image: 10 * 1024 * 1024, voice: 2 * 1024 * 1024, video: 10 * 1024 * 1024, file: 20 * 1024 * 1024 };
const CHUNK_MAX_BYTES = 512 * 1024;
const MAX_CHUNKS = 100;
// WeCom's errcodes: invalid media type, invalid file size, invalid media_id, invalid parameter.
const INVALID_MEDIA_TYPE = 40004;
const INVALID_FILE_SIZE = 40006;
const INVALID_MEDIA_ID = 40007;
const INVALID_PARAMETER = 40058;

/**
 * WeCom's AI-bot long-connection server on 127.0.0.1: checks the `aibot_subscribe` credentials,
 * answers pings, sends message callbacks, acks and records `aibot_respond_msg` stream frames and
 * `aibot_send_msg` pushes (refusing content over 20,480 bytes and updates of finished streams),
 * takes chunked media uploads within WeCom's limits and pushed media messages showing them, and
 * can drop the connection, sending callbacks nobody answered again to the next one.
 */
export class FakeWecomAibotServer {
  readonly bot = FAKE_WECOM_BOT;
  private readonly http = createServer();
  private readonly wss = new WebSocketServer({ server: this.http });
  private port: number | undefined;
  private socket: WebSocket | undefined;
  private opened = 0;
  private lastId = 0;
  private readonly callbacks: FakeAibotCallback[] = [];
  private readonly answered = new Set<string>();
  private readonly shown: FakeAibotBotMessage[] = [];
  private readonly failures: { errcode: number; errmsg: string; remaining: number }[] = [];
  private readonly attempts: { chat: string; at: number; accepted: boolean }[] = [];
  private lastUpload = 0;
  private readonly uploads = new Map<string, Upload>();
  private readonly media = new Map<string, FakeAibotMedia>();
  private readonly commands: string[] = [];
  private readonly waiters = new Set<Waiter>();

  constructor() {
    this.wss.on('connection', (socket) => this.accept(socket));
  }

  async start(): Promise<void> {
    this.port = await listenOnFreePort(this.http);
  }

  async stop(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    await closeServer(this.http);
  }

  /** `ws://127.0.0.1:<port>` */
  get url(): string {
    if (this.port === undefined) throw new Error('FakeWecomAibotServer is not started');
    return `ws://127.0.0.1:${this.port}`;
  }

  /** Connections that authenticated so far (reconnects count). */
  get connectionsOpened(): number {
    return this.opened;
  }

  /** Resolves once a connection authenticated. */
  waitForConnection(timeoutMs = 5_000): Promise<void> {
    return this.waitFor(() => this.socket !== undefined, timeoutMs, 'an authenticated connection');
  }

  /** Sends a user's message to the bot; `msgId` repeats an earlier message's id. */
  deliver(message: FakeAibotMessage, msgId?: string): FakeAibotCallback {
    const id = ++this.lastId;
    const group = message.chatId !== undefined;
    const body = {
      msgid: msgId ?? `fake-aibot-msg-${id}`,
      aibotid: this.bot.botId,
      ...(group ? { chatid: message.chatId } : {}),
      chattype: group ? 'group' : 'single',
      from: { userid: message.from },
      create_time: Math.floor(Date.now() / 1000),
      msgtype: 'text',
      text: { content: message.text },
    };
    const reqId = `aibot_msg_callback_${Date.now()}_${id}`;
    const callback = { reqId, msgId: body.msgid, chat: message.chatId ?? message.from, frame: JSON.stringify({ cmd: 'aibot_msg_callback', headers: { req_id: reqId }, body }) };
    this.callbacks.push(callback);
    this.socket?.send(callback.frame);
    return callback;
  }

  /** Sends a callback again, the identical frame. */
  resend(callback: FakeAibotCallback): void {
    this.socket?.send(callback.frame);
  }

  /** Resolves once the bot sent a frame answering `callback` (a stream frame, taken or refused). */
  waitForAnswer(callback: FakeAibotCallback, timeoutMs = 5_000): Promise<void> {
    return this.waitFor(() => this.answered.has(callback.reqId), timeoutMs, `an answer to ${callback.reqId}`);
  }

  /** Resolves once `chat` shows a finished stream or a push whose text passes `check`. */
  waitForText(chat: string, check: (text: string) => boolean, timeoutMs = 5_000): Promise<void> {
    return this.waitFor(() => this.messagesIn(chat).some((m) => (m.kind === 'push' || m.finished) && check(m.text)), timeoutMs, `a reply in ${chat}`);
  }

  /** What the bot shows in a chat, oldest first. */
  messagesIn(chat: string): FakeAibotBotMessage[] {
    return this.shown.filter((message) => message.chat === chat);
  }

  /** Closes the connection from WeCom's side; callbacks it did not answer go to the next one. */
  dropConnection(): void {
    this.socket?.terminate();
    this.socket = undefined;
  }

  /** Forgets callbacks, what the bot showed and uploaded, frames received and pending failures; the connection stays. */
  clear(): void {
    this.callbacks.length = 0;
    this.answered.clear();
    this.shown.length = 0;
    this.failures.length = 0;
    this.attempts.length = 0;
    this.uploads.clear();
    this.media.clear();
    this.commands.length = 0;
  }

  /** How many frames of this cmd the bot sent (pings and the subscription included). */
  framesReceived(cmd: string): number {
    return this.commands.filter((received) => received === cmd).length;
  }

  /** Files the bot uploaded to completion, oldest first. */
  uploadedMedia(): FakeAibotMedia[] {
    return [...this.media.values()];
  }

  /** New messages the bot tried to show in a chat (a stream's first frame, a push, a media message), oldest first. */
  sendAttempts(chat: string): { at: number; accepted: boolean }[] {
    return this.attempts.filter((attempt) => attempt.chat === chat).map(({ at, accepted }) => ({ at, accepted }));
  }

  /** The next `times` new messages (a stream's first frame, a push, a media message) get this errcode instead of being shown. */
  failRepliesNext(errcode: number, errmsg: string, times = 1): void {
    this.failures.push({ errcode, errmsg, remaining: times });
  }

  private accept(socket: WebSocket): void {
    socket.on('message', (data) => {
      let frame: Frame;
      try {
        frame = JSON.parse(String(data)) as Frame;
      } catch {
        return;
      }
      this.handle(socket, frame);
    });
    socket.on('close', () => {
      if (this.socket === socket) this.socket = undefined;
    });
  }

  private handle(socket: WebSocket, frame: Frame): void {
    const reqId = frame.headers?.req_id ?? '';
    const answer: Answer = (errcode = 0, errmsg = 'ok', body) => socket.send(JSON.stringify({ headers: { req_id: reqId }, errcode, errmsg, ...(body ? { body } : {}) }));
    this.commands.push(String(frame.cmd));
    switch (frame.cmd) {
      case 'aibot_subscribe': {
        const body = frame.body ?? {};
        if (body.bot_id !== this.bot.botId || body.secret !== this.bot.secret) return answer(40001, 'invalid credential');
        answer();
        this.socket = socket;
        this.opened++;
        // What the previous connection left unanswered is delivered again.
        for (const callback of this.callbacks) if (!this.answered.has(callback.reqId)) socket.send(callback.frame);
        return this.wake();
      }
      case 'ping':
        return answer();
      case 'aibot_respond_msg':
        return this.respond(reqId, frame.body ?? {}, answer);
      case 'aibot_send_msg':
        return this.push(frame.body ?? {}, answer);
      case 'aibot_upload_media_init':
        return this.uploadInit(frame.body ?? {}, answer);
      case 'aibot_upload_media_chunk':
        return this.uploadChunk(frame.body ?? {}, answer);
      case 'aibot_upload_media_finish':
        return this.uploadFinish(frame.body ?? {}, answer);
      default:
        return answer(40008, `unknown cmd ${String(frame.cmd)}`);
    }
  }

  private respond(reqId: string, body: Record<string, unknown>, answer: Answer): void {
    const callback = this.callbacks.find((candidate) => candidate.reqId === reqId);
    if (!callback) return answer(40058, 'invalid req_id');
    // Answered, even if refused below: the bot did act on the callback.
    this.answered.add(reqId);
    this.wake();
    const stream = body.stream as { id?: string; content?: string; finish?: boolean } | undefined;
    if (body.msgtype !== 'stream' || !stream?.id) return answer(40008, 'invalid message type');
    const content = stream.content ?? '';
    const existing = this.shown.find((message) => message.streamId === stream.id);
    if (!existing && this.takeFailure(callback.chat, answer)) return;
    if (Buffer.byteLength(content, 'utf8') > STREAM_MAX_BYTES) return answer(40058, 'content exceeds 20480 bytes');
    if (existing?.finished) return answer(40058, 'stream already finished');
    if (!existing) this.attempts.push({ chat: callback.chat, at: Date.now(), accepted: true });
    if (existing) {
      existing.text = content;
      existing.history.push(content);
      existing.finished = stream.finish === true;
    } else {
      this.shown.push({ kind: 'stream', chat: callback.chat, streamId: stream.id, reqId, text: content, finished: stream.finish === true, history: [content] });
    }
    answer();
    this.wake();
  }

  private push(body: Record<string, unknown>, answer: Answer): void {
    if (isMediaType(body.msgtype)) return this.pushMedia(body, body.msgtype, answer);
    const content = (body.markdown as { content?: string } | undefined)?.content ?? '';
    if (body.msgtype !== 'markdown' || typeof body.chatid !== 'string') return answer(40008, 'invalid message type');
    if (this.takeFailure(body.chatid, answer)) return;
    if (Buffer.byteLength(content, 'utf8') > STREAM_MAX_BYTES) return answer(40058, 'content exceeds 20480 bytes');
    this.attempts.push({ chat: body.chatid, at: Date.now(), accepted: true });
    this.shown.push({ kind: 'push', chat: body.chatid, text: content, finished: true, history: [content] });
    answer();
    this.wake();
  }

  /** A media message: the media_id must be an upload of the same type. */
  private pushMedia(body: Record<string, unknown>, type: FakeAibotMediaType, answer: Answer): void {
    if (typeof body.chatid !== 'string') return answer(INVALID_PARAMETER, 'chatid missing');
    const media = this.media.get(String((body[type] as { media_id?: unknown } | undefined)?.media_id));
    if (!media || media.type !== type) return answer(INVALID_MEDIA_ID, 'invalid media_id');
    if (this.takeFailure(body.chatid, answer)) return;
    this.attempts.push({ chat: body.chatid, at: Date.now(), accepted: true });
    this.shown.push({ kind: 'media', chat: body.chatid, media, text: '', finished: true, history: [] });
    answer();
    this.wake();
  }

  private uploadInit(body: Record<string, unknown>, answer: Answer): void {
    const { type, filename, total_size: totalSize, total_chunks: totalChunks, md5 } = body;
    if (!isMediaType(type)) return answer(INVALID_MEDIA_TYPE, 'invalid media type');
    if (typeof filename !== 'string' || filename === '') return answer(INVALID_PARAMETER, 'filename missing');
    if (typeof totalSize !== 'number' || totalSize < MEDIA_MIN_BYTES || totalSize > MEDIA_MAX_BYTES[type]) return answer(INVALID_FILE_SIZE, 'invalid file size');
    if (totalChunks !== Math.ceil(totalSize / CHUNK_MAX_BYTES) || totalChunks > MAX_CHUNKS) return answer(INVALID_PARAMETER, 'invalid total_chunks');
    const uploadId = `fake-upload-${++this.lastUpload}`;
    this.uploads.set(uploadId, { type, filename, totalSize, chunkCount: totalChunks, md5: typeof md5 === 'string' ? md5 : undefined, chunks: new Map() });
    answer(0, 'ok', { upload_id: uploadId });
  }

  /** A chunk's index counts from 0, as the SDK sends it; the same chunk sent again replaces it. */
  private uploadChunk(body: Record<string, unknown>, answer: Answer): void {
    const upload = this.uploads.get(String(body.upload_id));
    if (!upload) return answer(INVALID_PARAMETER, 'invalid upload_id');
    const index = body.chunk_index;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= upload.chunkCount) return answer(INVALID_PARAMETER, 'invalid chunk_index');
    if (typeof body.base64_data !== 'string') return answer(INVALID_PARAMETER, 'base64_data missing');
    const chunk = Buffer.from(body.base64_data, 'base64');
    if (chunk.length === 0 || chunk.length > CHUNK_MAX_BYTES) return answer(INVALID_FILE_SIZE, 'invalid chunk size');
    upload.chunks.set(index, chunk);
    answer();
  }

  private uploadFinish(body: Record<string, unknown>, answer: Answer): void {
    const uploadId = String(body.upload_id);
    const upload = this.uploads.get(uploadId);
    if (!upload) return answer(INVALID_PARAMETER, 'invalid upload_id');
    if (upload.chunks.size !== upload.chunkCount) return answer(INVALID_PARAMETER, 'chunks missing');
    const data = Buffer.concat([...upload.chunks.entries()].sort(([a], [b]) => a - b).map(([, chunk]) => chunk));
    if (data.length !== upload.totalSize) return answer(INVALID_FILE_SIZE, 'size differs from total_size');
    if (upload.md5 && createHash('md5').update(data).digest('hex') !== upload.md5) return answer(INVALID_PARAMETER, 'md5 mismatch');
    this.uploads.delete(uploadId);
    const mediaId = uploadId.replace('fake-upload-', 'fake-media-');
    this.media.set(mediaId, { type: upload.type, filename: upload.filename, data });
    answer(0, 'ok', { type: upload.type, media_id: mediaId, created_at: String(Math.floor(Date.now() / 1000)) });
  }

  private takeFailure(chat: string, answer: Answer): boolean {
    const failure = this.failures[0];
    if (!failure) return false;
    if (--failure.remaining <= 0) this.failures.shift();
    this.attempts.push({ chat, at: Date.now(), accepted: false });
    answer(failure.errcode, failure.errmsg);
    return true;
  }

  private waitFor(matches: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (matches()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`FakeWecomAibotServer: no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        matches,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.add(waiter);
    });
  }

  private wake(): void {
    for (const waiter of this.waiters) {
      if (!waiter.matches()) continue;
      this.waiters.delete(waiter);
      waiter.resolve();
    }
  }
}

function isMediaType(value: unknown): value is FakeAibotMediaType {
  return value === 'file' || value === 'image' || value === 'voice' || value === 'video';
}
