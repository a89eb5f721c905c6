import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { FakePlatformServer, type FakePlatformCall, type FakePlatformReply, type FakeUploadedFile } from '../fake-platform/fake-platform.server';
import { closeServer, listenOnFreePort } from '../ports';
import { SlackEventBuilder, type FakeSlackFile, type SlackEventCallbackBody } from './fake-slack.events';

export const FAKE_SLACK_BOT_TOKEN = 'xoxb-1000000001-2000000002-fakeslackbottoken000';
export const FAKE_SLACK_APP_TOKEN = 'xapp-1-A0FAKEAPP01-3000000003-fakeslackapptoken000';
export const FAKE_SLACK_SIGNING_SECRET = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
export const FAKE_SLACK_BOT = { userId: 'U0SWBOT001', botId: 'B0SWBOT001', name: 'switchboard', teamId: 'T0FAKETEAM', appId: 'A0FAKEAPP01' };

// chat.postMessage refuses a longer text (msg_too_long).
const MAX_TEXT_CHARS = 40_000;

/** A message the bot sent, as a user sees it now. */
export interface FakeSlackMessage {
  ts: string;
  channel: string;
  threadTs?: string;
  /** The text shown (Slack's escaping of & < > undone). */
  text: string;
  /** Every text it showed, first to last (edits included). */
  history: string[];
  /** Files it shares (files.completeUploadExternal), with the bytes uploaded. */
  files: { name: string; data: Buffer }[];
}

/** A Home tab as the bot last published it for a user (views.publish). */
export interface FakeSlackHome {
  blocks: Record<string, unknown>[];
  /** The texts of its blocks (header, section text and fields), one a line. */
  text: string;
}

/** A file the bot is uploading: announced with files.getUploadURLExternal, its bytes POSTed to its upload URL. */
interface FakeSlackUpload {
  id: string;
  name: string;
  length: number;
  data?: Buffer;
}

/** An envelope pushed over Socket Mode; `acked` resolves once a connection acked it by envelope_id. */
export interface FakeSlackPush {
  envelopeId: string;
  /** `events_api`: an event callback; `slash_commands`: a slash command's fields. */
  type: 'events_api' | 'slash_commands';
  body: SlackEventCallbackBody | Record<string, string>;
  acked: Promise<void>;
}

/**
 * The Slack Web API and Socket Mode on 127.0.0.1, enough of them for @slack/bolt's WebClient and
 * SocketModeClient: `auth.test`, `chat.postMessage` (the 40,000-character limit enforced),
 * `chat.update`, `files.info` with private file URLs that need the bot token, the three steps of
 * the bot's file uploads (`files.getUploadURLExternal`, a POST of the bytes to the upload URL it
 * gave, `files.completeUploadExternal` sharing them in a message), `views.publish` of Home tabs, and
 * `apps.connections.open` (app-level token) handing out a WebSocket that says `hello`, pushes
 * `events_api` and `slash_commands` envelopes and takes acks by envelope_id. An envelope not acked is pushed again,
 * with a higher `retry_attempt`, when the next connection opens.
 */
export class FakeSlackServer extends FakePlatformServer {
  readonly build = new SlackEventBuilder({ teamId: FAKE_SLACK_BOT.teamId, appId: FAKE_SLACK_BOT.appId, botUserId: FAKE_SLACK_BOT.userId });
  private readonly messages: FakeSlackMessage[] = [];
  private readonly files = new Map<string, { file: FakeSlackFile; data: Buffer }>();
  private readonly uploads = new Map<string, FakeSlackUpload>();
  private readonly homes = new Map<string, FakeSlackHome>();
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly wsServer = createServer((_req, res) => res.writeHead(426).end());
  private wsPort: number | undefined;
  private readonly sockets = new Set<WebSocket>();
  private readonly pending = new Map<string, { push: FakeSlackPush; attempts: number; ack: () => void }>();
  private failingSends: { reply: FakePlatformReply; remaining: number } | undefined;
  private opened = 0;

  constructor() {
    super();
    this.route('POST', '/api/auth.test', (call) => this.authed(call, () => this.authTest()));
    this.route('POST', '/api/chat.postMessage', (call) => this.authed(call, () => this.postMessage(call)));
    this.route('POST', '/api/chat.update', (call) => this.authed(call, () => this.update(call)));
    this.route('POST', '/api/files.info', (call) => this.authed(call, () => this.fileInfo(call)));
    this.route('GET', '/files-pri/:id/:name', (call) => this.authed(call, () => this.download(call)));
    this.route('POST', '/api/files.getUploadURLExternal', (call) => this.authed(call, () => this.uploadUrl(call)));
    // As on Slack, the upload URL itself authorizes the upload: no token is sent.
    this.route('POST', '/upload/v1/:id', (call) => this.upload(call));
    this.route('POST', '/api/files.completeUploadExternal', (call) => this.authed(call, () => this.completeUpload(call)));
    this.route('POST', '/api/views.publish', (call) => this.authed(call, () => this.publishView(call)));
    this.route('POST', '/api/apps.connections.open', (call) => this.connectionsOpen(call));
    this.wsServer.on('upgrade', (req, socket, head) => this.wss.handleUpgrade(req, socket, head, (ws) => this.connected(ws)));
  }

  override async start(): Promise<void> {
    await super.start();
    this.wsPort = await listenOnFreePort(this.wsServer);
  }

  override async stop(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    await closeServer(this.wsServer);
    await super.stop();
  }

  /** Forgets the recorded calls, the bot's messages and Home tabs, pending envelopes and injected failures. */
  override clear(): void {
    super.clear();
    this.messages.length = 0;
    this.homes.clear();
    this.pending.clear();
    this.failingSends = undefined;
  }

  /** The Web API base URL (SLACK_API_URL). */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** What the bot sent to a channel, oldest first, threads included. */
  messagesIn(channel: string): FakeSlackMessage[] {
    return this.messages.filter((message) => message.channel === channel);
  }

  /** A file a user shared, downloadable with the bot token; put it in a message's `files`. */
  addFile(name: string, mimetype: string, data: Buffer): FakeSlackFile {
    const id = `F${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`;
    const url = `${this.url}/files-pri/${id}/${encodeURIComponent(name)}`;
    const file = { id, name, mimetype, size: data.length, url_private: url, url_private_download: `${url}?download=1` };
    this.files.set(id, { file, data });
    return file;
  }

  /** The Home tab the bot last published for a user; undefined until it did. */
  homeOf(user: string): FakeSlackHome | undefined {
    return this.homes.get(user);
  }

  /** The next `times` chat.postMessage calls get `reply` instead. */
  failNextSends(reply: FakePlatformReply, times = 1): void {
    this.failingSends = { reply, remaining: times };
  }

  /** Socket Mode connections opened so far (reconnects count). */
  get connectionsOpened(): number {
    return this.opened;
  }

  /** Pushes an event callback to every open connection (and to the next one, until acked). */
  push(body: SlackEventCallbackBody): FakeSlackPush {
    return this.pushEnvelope('events_api', body);
  }

  /** Pushes a slash command invocation, as Slack does in Socket Mode. */
  pushSlashCommand(fields: Record<string, string>): FakeSlackPush {
    return this.pushEnvelope('slash_commands', fields);
  }

  private pushEnvelope(type: FakeSlackPush['type'], body: FakeSlackPush['body']): FakeSlackPush {
    const envelopeId = randomUUID();
    let ack!: () => void;
    const acked = new Promise<void>((resolve) => (ack = resolve));
    const push: FakeSlackPush = { envelopeId, type, body, acked };
    const entry = { push, attempts: 0, ack };
    this.pending.set(envelopeId, entry);
    for (const socket of this.sockets) this.sendEnvelope(socket, entry);
    return push;
  }

  /** Closes every Socket Mode connection from the server side, without a close frame. */
  dropConnections(): void {
    for (const socket of this.sockets) socket.terminate();
  }

  protected override unmatched(call: FakePlatformCall): FakePlatformReply {
    return { body: { ok: false, error: 'unknown_method', detail: `FakeSlackServer has no route for ${call.method} ${call.path}` } };
  }

  private authed(call: FakePlatformCall, answer: () => FakePlatformReply): FakePlatformReply {
    const token = call.headers.authorization?.replace(/^Bearer /, '') ?? call.body.token;
    if (token === undefined) return { body: { ok: false, error: 'not_authed' } };
    return token === FAKE_SLACK_BOT_TOKEN ? answer() : { body: { ok: false, error: 'invalid_auth' } };
  }

  private authTest(): FakePlatformReply {
    const { userId, botId, name, teamId } = FAKE_SLACK_BOT;
    return { body: { ok: true, url: 'https://fake.slack.test/', team: 'Fake Team', user: name, team_id: teamId, user_id: userId, bot_id: botId, is_enterprise_install: false } };
  }

  private postMessage(call: FakePlatformCall): FakePlatformReply {
    const failing = this.failingSends;
    if (failing && failing.remaining > 0) {
      failing.remaining -= 1;
      return failing.reply;
    }
    const { channel, text, thread_ts } = call.body as { channel?: string; text?: string; thread_ts?: string };
    if (!channel) return { body: { ok: false, error: 'channel_not_found' } };
    if (!text) return { body: { ok: false, error: 'no_text' } };
    const shown = unescape(text);
    if (shown.length > MAX_TEXT_CHARS) return { body: { ok: false, error: 'msg_too_long' } };
    const ts = this.build.nextTs();
    this.messages.push({ ts, channel, threadTs: thread_ts || undefined, text: shown, history: [shown], files: [] });
    return { body: { ok: true, channel, ts, message: { type: 'message', user: FAKE_SLACK_BOT.userId, bot_id: FAKE_SLACK_BOT.botId, text, ts } } };
  }

  private update(call: FakePlatformCall): FakePlatformReply {
    const { channel, ts, text } = call.body as { channel?: string; ts?: string; text?: string };
    const message = this.messages.find((candidate) => candidate.channel === channel && candidate.ts === ts);
    if (!message) return { body: { ok: false, error: 'message_not_found' } };
    if (!text) return { body: { ok: false, error: 'no_text' } };
    const shown = unescape(text);
    if (shown.length > MAX_TEXT_CHARS) return { body: { ok: false, error: 'msg_too_long' } };
    message.text = shown;
    message.history.push(shown);
    return { body: { ok: true, channel, ts, text } };
  }

  private fileInfo(call: FakePlatformCall): FakePlatformReply {
    const stored = this.files.get(String(call.body.file ?? ''));
    return stored ? { body: { ok: true, file: stored.file } } : { body: { ok: false, error: 'file_not_found' } };
  }

  private download(call: FakePlatformCall): FakePlatformReply {
    const stored = this.files.get(call.params.id);
    if (!stored) return { status: 404, body: 'not found' };
    return { body: stored.data, headers: { 'content-type': stored.file.mimetype } };
  }

  private uploadUrl(call: FakePlatformCall): FakePlatformReply {
    const { filename, length } = call.body as { filename?: string; length?: string };
    if (!filename || !/^\d+$/.test(length ?? '') || Number(length) < 1) return { body: { ok: false, error: 'invalid_arguments' } };
    const id = `F${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`;
    this.uploads.set(id, { id, name: filename, length: Number(length) });
    return { body: { ok: true, upload_url: `${this.url}/upload/v1/${id}`, file_id: id } };
  }

  /** The bytes as the SDK posts them: a multipart form with one file part. */
  private upload(call: FakePlatformCall): FakePlatformReply {
    const upload = this.uploads.get(call.params.id);
    const part = Object.values(call.body).find((value): value is FakeUploadedFile => typeof value === 'object' && value !== null && 'data' in value);
    if (!upload || !part) return { status: 404, body: 'not found' };
    if (part.data.length !== upload.length) return { status: 400, body: `expected ${upload.length} bytes` };
    upload.data = part.data;
    return { body: `OK - ${part.data.length}` };
  }

  private completeUpload(call: FakePlatformCall): FakePlatformReply {
    const { files, channel_id, initial_comment, thread_ts } = call.body as { files?: string; channel_id?: string; initial_comment?: string; thread_ts?: string };
    const listed = parseJson(files);
    if (!Array.isArray(listed) || listed.length === 0) return { body: { ok: false, error: 'invalid_arguments' } };
    const uploads = (listed as { id?: string }[]).map((file) => this.uploads.get(file.id ?? ''));
    if (uploads.some((upload) => !upload?.data)) return { body: { ok: false, error: 'file_upload_not_found' } };
    // Without a channel the files stay private to the bot; the gateway always names one.
    if (!channel_id) return { body: { ok: false, error: 'channel_not_found' } };
    const text = unescape(initial_comment ?? '');
    const shared = uploads.map((upload) => ({ name: upload!.name, data: upload!.data! }));
    this.messages.push({ ts: this.build.nextTs(), channel: channel_id, threadTs: thread_ts || undefined, text, history: [text], files: shared });
    for (const upload of uploads) this.uploads.delete(upload!.id);
    return { body: { ok: true, files: (listed as { id: string; title?: string }[]).map((file) => ({ id: file.id, title: file.title })) } };
  }

  private publishView(call: FakePlatformCall): FakePlatformReply {
    const { user_id: user, view } = call.body as { user_id?: string; view?: string };
    const parsed = parseJson(view) as { type?: unknown; blocks?: unknown } | undefined;
    if (!user) return { body: { ok: false, error: 'invalid_arguments' } };
    // Slack's limits: a Home tab of at most 100 blocks.
    if (parsed?.type !== 'home' || !Array.isArray(parsed.blocks) || parsed.blocks.length > 100) return { body: { ok: false, error: 'invalid_arguments' } };
    const blocks = parsed.blocks as Record<string, unknown>[];
    this.homes.set(user, { blocks, text: blocks.flatMap(blockTexts).join('\n') });
    return { body: { ok: true, view: { id: `V${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`, type: 'home', blocks } } };
  }

  private connectionsOpen(call: FakePlatformCall): FakePlatformReply {
    if (call.headers.authorization !== `Bearer ${FAKE_SLACK_APP_TOKEN}`) return { body: { ok: false, error: 'invalid_auth' } };
    return { body: { ok: true, url: `ws://127.0.0.1:${this.wsPort}/link/?ticket=${randomUUID()}&app_id=${FAKE_SLACK_BOT.appId}` } };
  }

  private connected(socket: WebSocket): void {
    this.opened += 1;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('message', (data: Buffer) => this.received(data));
    const hello = { type: 'hello', num_connections: this.sockets.size, debug_info: { host: 'fake-slack', approximate_connection_time: 18060 }, connection_info: { app_id: FAKE_SLACK_BOT.appId } };
    socket.send(JSON.stringify(hello));
    for (const entry of this.pending.values()) this.sendEnvelope(socket, entry);
  }

  private received(data: Buffer): void {
    let frame: { envelope_id?: unknown };
    try {
      frame = JSON.parse(data.toString('utf8')) as { envelope_id?: unknown };
    } catch {
      return;
    }
    const entry = this.pending.get(String(frame.envelope_id));
    if (!entry) return;
    this.pending.delete(entry.push.envelopeId);
    entry.ack();
  }

  private sendEnvelope(socket: WebSocket, entry: { push: FakeSlackPush; attempts: number }): void {
    const retry = entry.attempts;
    entry.attempts += 1;
    const envelope = {
      envelope_id: entry.push.envelopeId,
      type: entry.push.type,
      payload: entry.push.body,
      accepts_response_payload: false,
      retry_attempt: retry,
      retry_reason: retry > 0 ? 'timeout' : '',
    };
    socket.send(JSON.stringify(envelope));
  }
}

function blockTexts(block: Record<string, unknown>): string[] {
  const texts = [block.text, ...(Array.isArray(block.fields) ? block.fields : [])] as ({ text?: unknown } | undefined)[];
  return texts.flatMap((text) => (typeof text?.text === 'string' ? [text.text] : []));
}

function parseJson(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? '');
  } catch {
    return undefined;
  }
}

/** Slack escapes & < > in message text; a user sees them as typed. */
function unescape(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
