import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { closeServer, listenOnFreePort } from '../ports';

/** A dispatch (op 0) as the gateway numbers it within a session. */
export interface FakeGatewayDispatch {
  s: number;
  t: string;
  d: unknown;
}

/** One session: what it was sent (RESUME replays the rest), and the connection it is on now. */
interface Session {
  id: string;
  intents: number;
  dispatches: FakeGatewayDispatch[];
  socket: WebSocket | undefined;
  /** Highest sequence number the client's heartbeats reported. */
  acked: number;
  /** A clean close (1000) or an invalid session: Discord will not resume it. */
  ended: boolean;
}

export interface FakeGatewayOptions {
  token: string;
  /** The READY payload's `user` and `application`. */
  ready: () => { user: unknown; application: unknown };
  /** Guilds sent in GUILD_CREATE after READY (their channels and active threads). */
  guilds: () => unknown[];
  heartbeatIntervalMs?: number;
}

const OP = { DISPATCH: 0, HEARTBEAT: 1, IDENTIFY: 2, RESUME: 6, RECONNECT: 7, INVALID_SESSION: 9, HELLO: 10, HEARTBEAT_ACK: 11 } as const;
// How soon a heartbeat is asked for again while one reported less than what was dispatched.
const HEARTBEAT_REQUEST_RETRY_MS = 25;

/**
 * Discord's Gateway on 127.0.0.1, JSON encoding, no compression: Hello (op 10) → Identify (op 2)
 * → READY and GUILD_CREATE → dispatches; heartbeats (op 1, answered with op 11); RESUME (op 6)
 * replays what the session was sent after the client's sequence number, then RESUMED. A new
 * IDENTIFY starts a new session that gets nothing of the old one, as on Discord.
 *
 * Discord has no acks: the fake knows a client got a dispatch when a heartbeat reports its
 * sequence number, and asks for heartbeats (op 1 from the server) to learn it at once.
 */
export class FakeDiscordGateway {
  private readonly http = createServer((_req, res) => res.writeHead(426).end());
  private readonly wss = new WebSocketServer({ server: this.http });
  private readonly sessions = new Map<string, Session>();
  private readonly waiters = new Set<{ session: Session; seq: number; resolve: () => void }>();
  private readonly sockets = new Set<WebSocket>();
  private port: number | undefined;
  private opened = 0;
  private identifies = 0;
  private resumes = 0;

  constructor(private readonly options: FakeGatewayOptions) {
    this.wss.on('connection', (socket) => this.connected(socket));
  }

  async start(): Promise<void> {
    this.port = await listenOnFreePort(this.http);
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    await closeServer(this.http);
  }

  /** `ws://127.0.0.1:<port>`: what GET /gateway/bot answers, and READY's resume_gateway_url. */
  get url(): string {
    if (this.port === undefined) throw new Error('FakeDiscordGateway is not started');
    return `ws://127.0.0.1:${this.port}`;
  }

  /** WebSocket connections opened so far (reconnects count). */
  get connectionsOpened(): number {
    return this.opened;
  }

  get identifyCount(): number {
    return this.identifies;
  }

  get resumeCount(): number {
    return this.resumes;
  }

  /** Intents the latest IDENTIFY asked for. */
  get lastIntents(): number | undefined {
    return [...this.sessions.values()].at(-1)?.intents;
  }

  /**
   * Dispatches an event to every session that may still be resumed: sent now if its connection is
   * up, replayed on RESUME otherwise. Resolves once a client's heartbeat reported it received.
   */
  dispatch(t: string, d: unknown): Promise<void> {
    const received: Promise<void>[] = [];
    for (const session of this.sessions.values()) {
      if (session.ended) continue;
      const event = { s: session.dispatches.length + 1, t, d };
      session.dispatches.push(event);
      received.push(new Promise((resolve) => this.waiters.add({ session, seq: event.s, resolve })));
      if (session.socket) this.send(session.socket, { op: OP.DISPATCH, ...event });
      this.requestHeartbeat(session);
    }
    if (received.length === 0) return Promise.reject(new Error('FakeDiscordGateway: no session to dispatch to'));
    return Promise.race(received);
  }

  /** Resolves once a client has identified (a session exists to dispatch to). */
  async waitForSession(timeoutMs = 10_000): Promise<void> {
    const started = Date.now();
    while (![...this.sessions.values()].some((session) => !session.ended)) {
      if (Date.now() - started > timeoutMs) throw new Error(`FakeDiscordGateway: no client identified within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Cuts every connection without a close frame (a network drop): the client should RESUME. */
  drop(): void {
    for (const socket of this.sockets) socket.terminate();
  }

  /** Closes every connection with `code` (4004 authentication failed, 4014 disallowed intents, ...). */
  close(code: number): void {
    for (const socket of this.sockets) socket.close(code);
  }

  private connected(socket: WebSocket): void {
    this.opened += 1;
    this.sockets.add(socket);
    socket.on('close', (code) => {
      this.sockets.delete(socket);
      for (const session of this.sessions.values()) {
        if (session.socket !== socket) continue;
        session.socket = undefined;
        if (code === 1000) session.ended = true;
      }
    });
    socket.on('message', (data) => this.received(socket, data));
    this.send(socket, { op: OP.HELLO, d: { heartbeat_interval: this.options.heartbeatIntervalMs ?? 41_250 } });
  }

  private received(socket: WebSocket, data: RawData): void {
    let payload: { op?: number; d?: unknown };
    try {
      payload = JSON.parse(data.toString()) as { op?: number; d?: unknown };
    } catch {
      return socket.close(4002, 'Error while decoding payload.');
    }
    if (payload.op === OP.HEARTBEAT) return this.heartbeat(socket, payload.d);
    if (payload.op === OP.IDENTIFY) return this.identify(socket, payload.d as { token?: string; intents?: number });
    if (payload.op === OP.RESUME) return this.resume(socket, payload.d as { token?: string; session_id?: string; seq?: number });
    socket.close(4001, 'Unknown opcode.');
  }

  private heartbeat(socket: WebSocket, seq: unknown): void {
    this.send(socket, { op: OP.HEARTBEAT_ACK });
    const session = [...this.sessions.values()].find((candidate) => candidate.socket === socket);
    if (!session || typeof seq !== 'number') return;
    session.acked = Math.max(session.acked, seq);
    for (const waiter of this.waiters) {
      if (waiter.session !== session || waiter.seq > session.acked) continue;
      this.waiters.delete(waiter);
      waiter.resolve();
    }
    // The heartbeat may have been read before the client counted the last dispatch: ask again.
    if (session.acked < session.dispatches.length) setTimeout(() => this.requestHeartbeat(session), HEARTBEAT_REQUEST_RETRY_MS);
  }

  private identify(socket: WebSocket, d: { token?: string; intents?: number }): void {
    if (d.token !== this.options.token) return socket.close(4004, 'Authentication failed.');
    this.identifies += 1;
    const session: Session = { id: randomUUID().replaceAll('-', ''), intents: d.intents ?? 0, dispatches: [], socket, acked: 0, ended: false };
    this.sessions.set(session.id, session);
    const guilds = this.options.guilds();
    const { user, application } = this.options.ready();
    const ready = {
      v: 10,
      user,
      application,
      guilds: guilds.map((guild) => ({ id: (guild as { id: string }).id, unavailable: true })),
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: this.url,
      shard: [0, 1],
      private_channels: [],
      relationships: [],
      user_settings: {},
      presences: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
    };
    this.sendToSession(session, 'READY', ready);
    for (const guild of guilds) this.sendToSession(session, 'GUILD_CREATE', guild);
  }

  private resume(socket: WebSocket, d: { token?: string; session_id?: string; seq?: number }): void {
    if (d.token !== this.options.token) return socket.close(4004, 'Authentication failed.');
    const session = this.sessions.get(d.session_id ?? '');
    if (!session || session.ended) return this.send(socket, { op: OP.INVALID_SESSION, d: false });
    this.resumes += 1;
    session.socket = socket;
    const after = d.seq ?? 0;
    for (const event of session.dispatches) if (event.s > after) this.send(socket, { op: OP.DISPATCH, ...event });
    this.sendToSession(session, 'RESUMED', {});
    this.requestHeartbeat(session);
  }

  private sendToSession(session: Session, t: string, d: unknown): void {
    const event = { s: session.dispatches.length + 1, t, d };
    session.dispatches.push(event);
    if (session.socket) this.send(session.socket, { op: OP.DISPATCH, ...event });
  }

  private requestHeartbeat(session: Session): void {
    const waiting = [...this.waiters].some((waiter) => waiter.session === session && waiter.seq > session.acked);
    if (session.socket && waiting) this.send(session.socket, { op: OP.HEARTBEAT, d: null });
  }

  private send(socket: WebSocket, payload: Record<string, unknown>): void {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify({ s: null, t: null, ...payload }));
  }
}
