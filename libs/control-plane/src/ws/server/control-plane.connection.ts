import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import { WebSocket } from 'ws';
import { AuthFailureBackoff } from '../auth/auth-failure.backoff';
import { ConnectHandshake, HandshakeAccepted } from '../auth/connect.handshake';
import { RandomBytes } from '../auth/device-token';
import { Clock } from '../ports/clock.port';
import { ControlPlaneMetrics } from '../ports/control-plane-metrics.port';
import { CloseCodes, closeReason } from '../protocol/close-codes';
import { ConnectParamsSchema, HelloOk } from '../protocol/connect.schema';
import { encodeEvent } from '../protocol/frame.encoder';
import { RequestFrameSchema, StateVersion } from '../protocol/frame.schema';
import { DetailCode, DetailCodes, ErrorCodes, ErrorShape, errorShape } from '../protocol/protocol-error';
import { compileSchema } from '../protocol/schema-validator';
import { ControlPlaneOptions } from './control-plane.options';
import { MethodOutcome } from './idempotency.cache';
import { ConnectionInfo } from './method.registry';
import { DispatchTarget, RequestDispatcher } from './request.dispatcher';

const validateRequestFrame = compileSchema(RequestFrameSchema);
const validateConnectParams = compileSchema(ConnectParamsSchema);

/** What a connection needs from its server. */
export interface ConnectionEnvironment {
  options: ControlPlaneOptions;
  handshake: ConnectHandshake;
  backoff: AuthFailureBackoff;
  dispatcher: RequestDispatcher;
  metrics: ControlPlaneMetrics;
  clock: Clock;
  random: RandomBytes;
  logger: Logger;
  hello(accepted: HandshakeAccepted, connId: string): Promise<HelloOk>;
  onAuthenticated(connection: ControlPlaneConnection): void;
  onClosed(connection: ControlPlaneConnection): void;
}

type State = 'challenged' | 'connecting' | 'open' | 'closed';

/** One WebSocket: challenge, handshake, then requests and events until it closes. */
export class ControlPlaneConnection implements DispatchTarget {
  readonly connId = randomUUID();
  /** Resolves once the socket is fully closed. */
  readonly closed: Promise<void>;
  private state: State = 'challenged';
  private session: ConnectionInfo | null = null;
  private seq = 0;
  private handshakeRecorded = false;
  private readonly nonce: string;
  // Made when a method first asks for the signal: aborting builds an error object, which every
  // closing connection would otherwise pay for.
  private abort: AbortController | null = null;
  private readonly handshakeTimer: NodeJS.Timeout;

  constructor(
    private readonly ws: WebSocket,
    readonly remoteIp: string,
    private readonly isLoopback: boolean,
    private readonly env: ConnectionEnvironment,
  ) {
    this.nonce = env.random(18).toString('base64url');
    this.closed = new Promise((resolve) => ws.once('close', () => resolve(this.onSocketClosed())));
    // Every socket error is followed by 'close', whose code tells the client what happened.
    ws.on('error', () => undefined);
    ws.on('message', (data) => this.onMessage(data as Buffer));
    this.handshakeTimer = setTimeout(() => this.onHandshakeTimeout(), env.options.handshakeTimeoutMs);
    this.write(encodeEvent('connect.challenge', JSON.stringify({ nonce: this.nonce, ts: env.clock.now() })));
  }

  get authenticated(): boolean {
    return this.state === 'open';
  }

  get info(): ConnectionInfo {
    if (!this.session) throw new Error('connection is not authenticated');
    return this.session;
  }

  get signal(): AbortSignal {
    if (!this.abort) {
      this.abort = new AbortController();
      if (this.ws.readyState === WebSocket.CLOSED) this.abort.abort();
    }
    return this.abort.signal;
  }

  reply(id: string, outcome: MethodOutcome): void {
    let text: string;
    try {
      text = JSON.stringify({ type: 'res', id, ...outcome });
    } catch (error) {
      this.env.logger.error(`response to ${id} is not serializable`, error instanceof Error ? error.stack : String(error));
      text = JSON.stringify({ type: 'res', id, ok: false, error: errorShape(ErrorCodes.UNAVAILABLE, 'response could not be encoded') });
    }
    this.write(text);
  }

  sendEvent(event: string, payload: unknown, stateVersion?: StateVersion): boolean {
    return this.sendEncodedEvent(event, JSON.stringify(payload), stateVersion);
  }

  /** Sends an event whose payload is already JSON; false when it was not delivered. */
  sendEncodedEvent(event: string, payloadJson: string | undefined, stateVersion?: StateVersion): boolean {
    if (this.state !== 'open') return false;
    this.seq += 1;
    const sent = this.write(encodeEvent(event, payloadJson, this.seq, stateVersion));
    if (!sent) this.env.metrics.eventDropped(event, 'slow-consumer');
    return sent;
  }

  close(code: number, reason: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.handshakeTimer);
    this.ws.close(code, closeReason(reason));
  }

  terminate(): void {
    this.state = 'closed';
    this.ws.terminate();
  }

  private write(text: string): boolean {
    if (this.ws.readyState !== WebSocket.OPEN) return false;
    if (this.ws.bufferedAmount > this.env.options.maxBufferedBytes) {
      // A client that does not read would otherwise make us buffer without bound.
      this.env.metrics.slowConsumerDropped();
      this.close(CloseCodes.POLICY_VIOLATION, 'slow consumer');
      return false;
    }
    this.ws.send(text);
    return true;
  }

  private onMessage(data: Buffer): void {
    if (this.state === 'open') return this.onRequest(data);
    if (this.state === 'connecting') {
      const message = 'wait for the connect response before sending requests';
      return this.failHandshake(idOf(parseJson(data)), DetailCodes.CONNECT_REQUIRED, message);
    }
    if (this.state === 'challenged') void this.onFirstFrame(data);
  }

  private async onFirstFrame(data: Buffer): Promise<void> {
    const maxBytes = this.env.options.maxPreAuthPayloadBytes;
    if (data.length > maxBytes) {
      const message = `frame of ${data.length} bytes exceeds the ${maxBytes}-byte limit before connect`;
      return this.failHandshake('', DetailCodes.PAYLOAD_TOO_LARGE, message, CloseCodes.MESSAGE_TOO_BIG, 'frame-too-large');
    }
    const frame = parseJson(data);
    const request = frame === undefined ? null : validateRequestFrame(frame);
    if (!request?.ok) {
      const message = frame === undefined ? 'first frame must be JSON' : `invalid frame: ${request?.ok === false ? request.message : ''}`;
      return this.failHandshake(idOf(frame), DetailCodes.INVALID_FRAME, message, CloseCodes.POLICY_VIOLATION, 'invalid-frame');
    }
    const { id, method } = request.value;
    if (method !== 'connect') return this.failHandshake(id, DetailCodes.CONNECT_REQUIRED, 'first request must be connect');
    const params = validateConnectParams(request.value.params);
    if (!params.ok) return this.failHandshake(id, DetailCodes.INVALID_PARAMS, `invalid connect params: ${params.message}`);

    this.state = 'connecting';
    clearTimeout(this.handshakeTimer);
    try {
      const outcome = await this.env.handshake.run({ params: params.value, nonce: this.nonce, remoteIp: this.remoteIp, isLoopback: this.isLoopback });
      if (!outcome.ok) {
        const delayMs = outcome.badSecret ? this.env.backoff.recordFailure(this.remoteIp) : 0;
        if (delayMs > 0) await sleep(delayMs);
        return this.reject(id, outcome.error, outcome.closeCode, outcome.closeReason);
      }
      this.env.backoff.recordSuccess(this.remoteIp);
      const hello = await this.env.hello(outcome, this.connId);
      if (this.state !== 'connecting') return;
      this.session = {
        connId: this.connId,
        role: outcome.role,
        scopes: outcome.scopes,
        authMethod: outcome.authMethod,
        protocol: outcome.protocol,
        client: params.value.client,
        ...(outcome.deviceId !== undefined ? { deviceId: outcome.deviceId } : {}),
        remoteIp: this.remoteIp,
        connectedAtMs: this.env.clock.now(),
      };
      this.state = 'open';
      this.recordHandshake('ok');
      this.reply(id, { ok: true, payload: hello });
      this.env.onAuthenticated(this);
    } catch (error) {
      const errorId = randomUUID();
      this.env.logger.error(`handshake failed (errorId ${errorId})`, error instanceof Error ? error.stack : String(error));
      const shape = errorShape(ErrorCodes.UNAVAILABLE, `handshake failed (errorId ${errorId})`, { retryable: true, details: { errorId } });
      this.reject(id, shape, CloseCodes.INTERNAL_ERROR, 'internal error');
    }
  }

  private onRequest(data: Buffer): void {
    const frame = parseJson(data);
    const request = frame === undefined ? null : validateRequestFrame(frame);
    if (!request?.ok) {
      const message = frame === undefined ? 'frame is not JSON' : `invalid frame: ${request?.ok === false ? request.message : ''}`;
      return this.reply(idOf(frame), { ok: false, error: invalid(DetailCodes.INVALID_FRAME, message) });
    }
    if (request.value.method === 'connect') {
      return this.reply(request.value.id, { ok: false, error: invalid(DetailCodes.ALREADY_CONNECTED, 'already connected') });
    }
    void this.env.dispatcher.dispatch(request.value, this);
  }

  private failHandshake(id: string, detail: DetailCode, message: string, closeCode: number = CloseCodes.POLICY_VIOLATION, outcome: string = detail): void {
    this.recordHandshake(outcome);
    this.reject(id, invalid(detail, message), closeCode, message);
  }

  private reject(id: string, error: ErrorShape, closeCode: number, reason: string): void {
    if (this.state === 'closed') return;
    this.recordHandshake(error.details?.code ?? error.code);
    this.reply(id, { ok: false, error });
    this.close(closeCode, reason);
  }

  private onHandshakeTimeout(): void {
    this.recordHandshake('timeout');
    this.close(CloseCodes.POLICY_VIOLATION, 'handshake timeout');
  }

  private recordHandshake(outcome: string): void {
    if (this.handshakeRecorded) return;
    this.handshakeRecorded = true;
    this.env.metrics.handshakeCompleted(outcome);
  }

  private onSocketClosed(): void {
    this.state = 'closed';
    clearTimeout(this.handshakeTimer);
    this.recordHandshake('closed');
    this.abort?.abort();
    this.env.onClosed(this);
  }
}

function invalid(detail: DetailCode, message: string): ErrorShape {
  return errorShape(ErrorCodes.INVALID_REQUEST, message, { details: { code: detail } });
}

function parseJson(data: Buffer): unknown {
  try {
    return JSON.parse(data.toString('utf8'));
  } catch {
    return undefined;
  }
}

// Echo the client's id when it sent a usable one, so it can match the error to its request.
function idOf(frame: unknown): string {
  const id = (frame as { id?: unknown } | null | undefined)?.id;
  return typeof id === 'string' ? id : '';
}
