import type { DWClientDownStream } from 'dingtalk-stream' with { 'resolution-mode': 'import' };
import { DingTalkApiError, toDomainError } from './dingtalk.errors';

type DingTalkStreamSdk = typeof import('dingtalk-stream', { with: { 'resolution-mode': 'import' } });

export type { DWClientDownStream };

/** The Stream-mode connection as the adapter uses it. */
export interface DingTalkStream {
  /** Opens the connection; rejects if it could not be opened. */
  open(): Promise<void>;
  /** Closes the connection for good (until the next open()). */
  close(): void;
  readonly connected: boolean;
  /** Acks a frame, so DingTalk does not deliver it again. */
  socketCallBackResponse(messageId: string, result: unknown): void;
}

export interface DingTalkStreamOptions {
  apiRoot: string;
  clientId: string;
  clientSecret: string;
  /** Called for each robot message frame; the frame is acked by the handler (or not). */
  onRobotMessage: (frame: DWClientDownStream) => void;
  /** Called once when an open connection ends other than by close(): the caller opens a new one. */
  onLost: (reason: string) => void;
}

/**
 * The SDK's Stream-mode client, pointed at DINGTALK_API_ROOT (the SDK hard-codes the gateway URL),
 * with the SDK's own reconnection off: it retries every second forever and can open a socket
 * after disconnect(), which would let two replicas receive at once. A lost connection is reported
 * (onLost) and the channel's supervisor starts the adapter again, with its backoff.
 */
function streamClientClass(sdk: DingTalkStreamSdk) {
  return class DingTalkStreamClient extends sdk.DWClient implements DingTalkStream {
    private closed = true;

    constructor(private readonly stream: DingTalkStreamOptions) {
      // keepAlive: the SDK pings every 8 s and drops a connection that stopped answering.
      super({ clientId: stream.clientId, clientSecret: stream.clientSecret, keepAlive: true, ua: 'switchboard' });
      this.config.autoReconnect = false;
      // Robot messages only: the SDK's default also subscribes to every event, and shares that list between clients.
      this.config.subscriptions = [];
      this.registerCallbackListener(sdk.TOPIC_ROBOT, (frame) => stream.onRobotMessage(frame));
    }

    /** Asks the gateway for an endpoint and a ticket (POST /v1.0/gateway/connections/open). */
    override async getEndpoint(): Promise<this> {
      const url = `${this.stream.apiRoot.replace(/\/+$/, '')}/v1.0/gateway/connections/open`;
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({
          clientId: this.config.clientId,
          clientSecret: this.config.clientSecret,
          ua: this.config.ua,
          subscriptions: this.config.subscriptions,
        }),
        signal: AbortSignal.timeout(15_000),
      });
      const answer = (await response.json().catch(() => ({}))) as { endpoint?: string; ticket?: string; code?: string; message?: string };
      if (!response.ok || !answer.endpoint || !answer.ticket) {
        throw toDomainError('gateway/connections/open', new DingTalkApiError('gateway/connections/open', response.status, answer.code, answer.message ?? 'no endpoint or ticket'));
      }
      // The SDK keeps the socket URL in a private field that _connect() reads.
      this['dw_url'] = `${answer.endpoint}?ticket=${encodeURIComponent(answer.ticket)}`;
      return this;
    }

    async open(): Promise<void> {
      this.closed = false;
      await this.getEndpoint();
      if (this.closed) return;
      await this._connect();
      const socket = this['socket'];
      if (this.closed) {
        this.disconnect();
        return;
      }
      socket?.once('close', (code: number) => {
        if (!this.closed) this.stream.onLost(`DingTalk closed the Stream connection (${code})`);
      });
    }

    close(): void {
      this.closed = true;
      this.disconnect();
    }
  };
}

let streamClient: Promise<ReturnType<typeof streamClientClass>> | undefined;

/** A Stream-mode client, not yet open (the SDK is loaded on first use). */
export async function createDingTalkStream(options: DingTalkStreamOptions): Promise<DingTalkStream> {
  streamClient ??= import('dingtalk-stream').then(streamClientClass);
  const Client = await streamClient;
  return new Client(options);
}
