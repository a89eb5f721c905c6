import { randomUUID } from 'node:crypto';
import { ClientOptions, WebSocket } from 'ws';
import { ErrorShape } from '../../ws/protocol/protocol-error';

/** Any frame the server sent, loosely typed for assertions. */
export interface Frame {
  type: string;
  id?: string;
  ok?: boolean;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary payloads
  payload?: any;
  error?: ErrorShape;
  event?: string;
  seq?: number;
}

export interface CloseInfo {
  code: number;
  reason: string;
}

/** A `ws` client that records every frame from the first one, so no test can miss the challenge. */
export class TestSocket {
  readonly frames: Frame[] = [];
  readonly closed: Promise<CloseInfo>;
  private readonly taken = new Set<Frame>();
  private wake: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)) as Frame);
      this.notify();
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.notify();
      }),
    );
  }

  /** Opens a socket; rejects with the HTTP status when the upgrade is refused. */
  static open(url: string, options?: ClientOptions): Promise<TestSocket> {
    const socket = new TestSocket(new WebSocket(url, options));
    return new Promise((resolve, reject) => {
      socket.ws.once('open', () => resolve(socket));
      socket.ws.once('unexpected-response', (_request, response) => reject(new Error(`upgrade refused: HTTP ${response.statusCode}`)));
      socket.ws.once('error', reject);
    });
  }

  /** The first frame not yet returned that matches, waiting for it if need be. */
  async next(matches: (frame: Frame) => boolean = () => true, timeoutMs = 5_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = this.frames.find((candidate) => !this.taken.has(candidate) && matches(candidate));
      if (frame) {
        this.taken.add(frame);
        return frame;
      }
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error('socket closed while waiting for a frame');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for a frame');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  nextEvent(event: string, timeoutMs?: number): Promise<Frame> {
    return this.next((frame) => frame.type === 'event' && frame.event === event, timeoutMs);
  }

  response(id: string, timeoutMs?: number): Promise<Frame> {
    return this.next((frame) => frame.type === 'res' && frame.id === id, timeoutMs);
  }

  async challengeNonce(): Promise<string> {
    return (await this.nextEvent('connect.challenge')).payload.nonce as string;
  }

  send(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }

  sendRaw(data: string | Buffer): void {
    this.ws.send(data);
  }

  /** Sends a request and waits for its (first) response. */
  async request(method: string, params?: unknown, id: string = randomUUID()): Promise<Frame> {
    this.send({ type: 'req', id, method, ...(params !== undefined ? { params } : {}) });
    return this.response(id);
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  close(): void {
    this.ws.close();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = [];
    for (const resolve of wake) resolve();
  }
}
