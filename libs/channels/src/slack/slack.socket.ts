import { SocketModeClient } from '@slack/socket-mode';
import { DomainError, ErrorCode } from '@switchboard/core';
import { toDomainError } from './slack.errors';
import { sdkLogger } from './slack.sdk';

/** One Socket Mode envelope: `ack` confirms it to Slack by its envelope_id (unacked, Slack sends it again). */
export interface SlackEnvelope {
  envelopeId: string;
  /** `events_api`, `slash_commands`, `interactive`, ... */
  type: string;
  body: unknown;
  retryNum?: number;
  ack(): Promise<void>;
}

export interface SlackSocketOptions {
  appToken: string;
  slackApiUrl: string;
  /** Longest wait for Slack's `hello` after the connection was asked for. */
  connectTimeoutMs: number;
  onEnvelope(envelope: SlackEnvelope): void;
  /** The connection closed after it was up, without close() (Slack's `disconnect`, a network drop). */
  onLost(reason: unknown): void;
}

/**
 * One Socket Mode connection through the SDK's SocketModeClient (what Bolt's SocketModeReceiver
 * is built on): `apps.connections.open` with the app-level token, a WebSocket, Slack's `hello`.
 * The SDK's own reconnection is off: a dropped connection is reported, and the channel's runner
 * opens a new one with its backoff, under the channel's lease; the SDK would retry on its own
 * schedule (5 s, 10 s, ...), and a refused retry of its would end as an unhandled rejection.
 */
export class SlackSocket {
  private readonly client: SocketModeClient;
  private up = false;
  private closing = false;

  constructor(private readonly options: SlackSocketOptions) {
    const logger = sdkLogger('SlackSocketMode');
    this.client = new SocketModeClient({
      appToken: options.appToken,
      logger,
      autoReconnectEnabled: false,
      clientOptions: { slackApiUrl: options.slackApiUrl, retryConfig: { retries: 0 } },
    });
    this.client.on('slack_event', (event: { envelope_id: string; type: string; body: unknown; retry_num?: number; ack: () => Promise<void> }) =>
      options.onEnvelope({ envelopeId: event.envelope_id, type: event.type, body: event.body, retryNum: event.retry_num, ack: () => event.ack() }),
    );
    this.client.on('disconnected', () => {
      if (this.up && !this.closing) options.onLost(new DomainError(ErrorCode.TEMPORARY, 'Slack Socket Mode connection closed'));
      this.up = false;
    });
  }

  get connected(): boolean {
    return this.up;
  }

  /** Resolves on Slack's `hello`; rejects (as a DomainError) when the connection cannot be opened in time. */
  async open(): Promise<void> {
    const started = this.client.start();
    // Once the timeout has won, a late failure of the start has nobody to tell.
    started.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new DomainError(ErrorCode.TEMPORARY, `Slack Socket Mode connection not up within ${this.options.connectTimeoutMs / 1000} s`)),
        this.options.connectTimeoutMs,
      );
    });
    try {
      await Promise.race([started, timeout]);
      this.up = true;
    } catch (error) {
      await this.close();
      throw toDomainError('apps.connections.open', error);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    this.up = false;
    await this.client.disconnect();
  }
}
