import { randomUUID } from 'node:crypto';
import { Logger, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';

/** Why a running turn is asked to stop: /stop, or a newer message in AGENT_BUSY_MODE=interrupt. */
export type TurnCancelReason = 'stop' | 'interrupt';

export interface TurnCancelRequest {
  reason: TurnCancelReason;
  /** The message that asked for it (a turn of that message itself is not stopped by it). */
  messageId: string;
}

/**
 * Reaches the run of a session's turn wherever it runs (this process or another replica) to stop
 * it. Best effort: a run that starts after the request was sent does not see it.
 */
export interface TurnCancels {
  cancel(sessionKey: string, request: TurnCancelRequest): Promise<void>;
  /** Calls `onCancel` for each request for the session until the returned function is called. */
  watch(sessionKey: string, onCancel: (request: TurnCancelRequest) => void): () => void;
}

/** Nest token of TurnCancels. */
export const TURN_CANCELS = Symbol('TURN_CANCELS');

/** The runs of this process, by session key. */
export class InProcessTurnCancels implements TurnCancels {
  private readonly watchers = new Map<string, Set<(request: TurnCancelRequest) => void>>();

  async cancel(sessionKey: string, request: TurnCancelRequest): Promise<void> {
    this.deliver(sessionKey, request);
  }

  watch(sessionKey: string, onCancel: (request: TurnCancelRequest) => void): () => void {
    const set = this.watchers.get(sessionKey) ?? new Set();
    set.add(onCancel);
    this.watchers.set(sessionKey, set);
    return () => {
      set.delete(onCancel);
      if (!set.size && this.watchers.get(sessionKey) === set) this.watchers.delete(sessionKey);
    };
  }

  deliver(sessionKey: string, request: TurnCancelRequest): void {
    for (const onCancel of [...(this.watchers.get(sessionKey) ?? [])]) onCancel(request);
  }
}

interface CancelEnvelope extends TurnCancelRequest {
  sessionKey: string;
  /** The process that sent it: it delivered the request to its own runs already. */
  from: string;
}

/**
 * TurnCancels across replicas over Redis pub/sub: a request reaches this process's runs at once
 * and every other process subscribed to the channel. Pub/sub ignores the database number, so the
 * channel carries it: gateways on different databases of one Redis stay apart. The publisher should
 * not queue commands while Redis is away (enableOfflineQueue: false): a stop that cannot be sent
 * at once fails rather than waiting, unbounded, for Redis to come back.
 */
export class RedisTurnCancels implements TurnCancels, OnApplicationShutdown {
  private readonly logger = new Logger('TurnCancels');
  private readonly local = new InProcessTurnCancels();
  private readonly id = randomUUID();
  private readonly channel: string;
  private readonly subscribed: Promise<void>;

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    db: number,
  ) {
    this.channel = `switchboard:turn-cancel:${db}`;
    this.subscriber.on('message', (channel: string, text: string) => {
      if (channel === this.channel) this.receive(text);
    });
    // Not awaited by the gateway's start: with Redis away it starts anyway (ioredis subscribes once
    // connected, and again after each reconnection).
    this.subscribed = this.subscriber.subscribe(this.channel).then(
      () => undefined,
      (error: unknown) => this.logger.warn(`not listening for turn cancels yet: ${error instanceof Error ? error.message : error}`),
    );
  }

  /** Resolves once this process receives requests from the others. */
  ready(): Promise<void> {
    return this.subscribed;
  }

  async cancel(sessionKey: string, request: TurnCancelRequest): Promise<void> {
    this.local.deliver(sessionKey, request);
    const envelope: CancelEnvelope = { ...request, sessionKey, from: this.id };
    await this.publisher.publish(this.channel, JSON.stringify(envelope));
  }

  watch(sessionKey: string, onCancel: (request: TurnCancelRequest) => void): () => void {
    return this.local.watch(sessionKey, onCancel);
  }

  private receive(text: string): void {
    try {
      const { sessionKey, from, reason, messageId } = JSON.parse(text) as CancelEnvelope;
      if (from !== this.id) this.local.deliver(sessionKey, { reason, messageId });
    } catch (error) {
      this.logger.warn(`unreadable turn cancel request ignored: ${error instanceof Error ? error.message : error}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.subscriber.disconnect();
    this.publisher.disconnect();
  }
}
