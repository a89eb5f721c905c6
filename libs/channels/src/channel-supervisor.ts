import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import { type ChannelAdapter, type ChatSessionDirectory, type InboundSink, channelName } from '@switchboard/core';
import { SwitchboardMetrics } from '@switchboard/observability';
import { LEASE_RETRY_MS, type Lease, type LeaseDriver } from '@switchboard/queue';
import { Backoff } from './backoff';

/** Where a channel stands in this process. */
export type ChannelState =
  /** Starting; after a failed attempt, waiting until `retryAt` to try again. */
  | { kind: 'starting'; retryAt?: number; reason?: string }
  | { kind: 'receiving' }
  /** Another replica holds the channel's lease and receives for it. */
  | { kind: 'standby' }
  | { kind: 'lease-unavailable'; reason: string }
  | { kind: 'stopped' };

export interface ChannelSupervisorTiming {
  /** How often a replica without the lease asks for it again. */
  leaseRetryMs: number;
  /** Delays between failed starts: 1 s doubling to 30 s, with jitter. */
  startBackoff: () => Backoff;
  /**
   * How long start() waits at most for the first attempt: a platform that hangs (no answer, no
   * refusal) must not keep the gateway from serving; the attempt goes on in the background.
   */
  firstAttemptWaitMs: number;
  /** A connection that stayed up this long before it was lost is reopened after the first delay again. */
  stableAfterMs?: number;
}

const STABLE_AFTER_MS = 30_000;

/** What the channel is started with: where its messages go, and the sessions it may show (ChannelAdapter.start). */
export interface ChannelInbound {
  sink: InboundSink;
  sessions?: ChatSessionDirectory;
}

const DEFAULT_TIMING: ChannelSupervisorTiming = {
  leaseRetryMs: LEASE_RETRY_MS,
  startBackoff: () => new Backoff(1_000, 30_000),
  firstAttemptWaitMs: 10_000,
  stableAfterMs: STABLE_AFTER_MS,
};

/**
 * Keeps one channel receiving in this process for as long as it should: a webhook channel from
 * boot to shutdown; a long-connection channel (polling, a socket) only while this replica holds
 * its lease `channel:<platform>:<account>`, contending for it meanwhile. A start that fails is
 * retried with backoff; a lost lease stops the channel at once.
 */
export class ChannelSupervisor {
  private readonly leaseName: string | undefined;
  private readonly logger: Logger;
  private state: ChannelState = { kind: 'starting' };
  private readonly shutdown = new AbortController();
  private running: Promise<void> | undefined;
  private firstAttemptSettled!: () => void;
  private readonly firstAttempt = new Promise<void>((resolve) => (this.firstAttemptSettled = resolve));

  constructor(
    readonly channel: ChannelAdapter,
    private readonly inbound: ChannelInbound,
    private readonly leases: LeaseDriver,
    private readonly metrics: SwitchboardMetrics,
    private readonly timing: ChannelSupervisorTiming = DEFAULT_TIMING,
  ) {
    const connection = channel.longConnection;
    this.leaseName = connection ? `channel:${channel.id}:${connection.account}` : undefined;
    this.logger = new Logger(`Channels:${channelName(channel)}`);
  }

  /** Begins; resolves once the first attempt settled (receiving, standby, or a retry planned), or after 10 s. */
  async start(): Promise<void> {
    this.running = this.run();
    await Promise.race([this.firstAttempt, sleep(this.timing.firstAttemptWaitMs, undefined, { ref: false })]);
  }

  /** Stops the channel (in-flight messages finish first), then releases its lease. */
  async stop(): Promise<void> {
    this.shutdown.abort();
    await this.running;
  }

  get current(): ChannelState {
    return this.state;
  }

  /** For /ready: resolves with the state when this replica is fine as it is, rejects with it when not. */
  async check(): Promise<Record<string, unknown>> {
    const state = this.describe();
    if (this.state.kind === 'standby') return { state };
    if (this.state.kind !== 'receiving') throw new Error(state);
    try {
      return { state, ...(await this.channel.healthProbe()) };
    } catch (error) {
      throw new Error(`${state}: ${messageOf(error)}`);
    }
  }

  /** e.g. `polling (lease held)`, `webhook`, `standby (lease held by another replica)`, `starting (retry in 4 s: …)`. */
  describe(): string {
    const state = this.state;
    switch (state.kind) {
      case 'receiving': {
        const connection = this.channel.longConnection;
        return connection ? `${connection.kind} (lease held)` : 'webhook';
      }
      case 'standby':
        return 'standby (lease held by another replica)';
      case 'lease-unavailable':
        return `waiting for the lease (lease store unreachable: ${state.reason})`;
      case 'starting':
        if (state.retryAt === undefined) return 'starting';
        return `starting (retry in ${Math.max(0, Math.ceil((state.retryAt - Date.now()) / 1000))} s: ${state.reason})`;
      case 'stopped':
        return 'stopped';
    }
  }

  private async run(): Promise<void> {
    try {
      if (this.leaseName === undefined) {
        await this.receiveUntil(this.shutdown.signal);
        return;
      }
      for (;;) {
        const lease = await this.acquire(this.leaseName);
        if (!lease) return;
        await this.receiveUnder(lease);
      }
    } finally {
      this.enter({ kind: 'stopped' });
      this.firstAttemptSettled();
    }
  }

  /** Asks for the lease every few seconds until it is granted; undefined once shutting down. */
  private async acquire(name: string): Promise<Lease | undefined> {
    while (!this.shutdown.signal.aborted) {
      try {
        const lease = await this.leases.tryAcquire(name);
        if (lease) return lease;
        this.enter({ kind: 'standby' });
      } catch (error) {
        this.enter({ kind: 'lease-unavailable', reason: messageOf(error) });
      }
      this.firstAttemptSettled();
      await pause(this.timing.leaseRetryMs, this.shutdown.signal);
    }
    return undefined;
  }

  private async receiveUnder(lease: Lease): Promise<void> {
    this.metrics.leasesHeld.set({ name: lease.name }, 1);
    this.logger.log(`took the lease ${lease.name}`);
    try {
      await this.receiveUntil(AbortSignal.any([lease.lost, this.shutdown.signal]));
    } finally {
      this.metrics.leasesHeld.set({ name: lease.name }, 0);
    }
    if (lease.lost.aborted) this.logger.warn(`${messageOf(lease.lost.reason)}: stopped receiving; asking for the lease again`);
    // After the channel stopped, so the next holder never overlaps with this one.
    await lease.release();
  }

  /**
   * Starts the channel, retrying failures with backoff, keeps it running until `ended`, then stops
   * it. A connection the adapter reports lost is reopened the same way, with the same backoff.
   */
  private async receiveUntil(ended: AbortSignal): Promise<void> {
    const backoff = this.timing.startBackoff();
    while (!ended.aborted) {
      this.enter({ kind: 'starting' });
      const lost = new AbortController();
      const attempt = this.channel.start(this.inbound.sink, { connectionLost: (reason) => lost.abort(reason) }, this.inbound.sessions);
      const failure = await untilSettledOrAborted(attempt, ended);
      if (ended.aborted) break;
      let reason: string;
      if (failure === undefined) {
        this.enter({ kind: 'receiving' });
        this.firstAttemptSettled();
        const since = Date.now();
        await untilAborted(AbortSignal.any([ended, lost.signal]));
        if (ended.aborted) break;
        if (Date.now() - since >= (this.timing.stableAfterMs ?? STABLE_AFTER_MS)) backoff.reset();
        reason = `connection lost: ${messageOf(lost.signal.reason)}`;
      } else {
        reason = messageOf(failure.error);
      }
      // A half-done start (a webhook set, a socket opened) or a dead connection is undone before the next try.
      await this.stopChannel();
      const delayMs = backoff.next();
      this.enter({ kind: 'starting', retryAt: Date.now() + delayMs, reason });
      this.logger.warn(`${failure ? 'did not start, retrying' : 'reconnecting'} in ${(delayMs / 1000).toFixed(1)} s: ${reason}`);
      this.firstAttemptSettled();
      await pause(delayMs, ended);
    }
    await this.stopChannel();
  }

  private async stopChannel(): Promise<void> {
    await this.channel.stop().catch((error: unknown) => this.logger.warn(`stop: ${messageOf(error)}`));
  }

  private enter(next: ChannelState): void {
    const changed = next.kind !== this.state.kind;
    this.state = next;
    if (changed && next.kind !== 'starting') this.logger.log(this.describe());
  }
}

/** Waits for `attempt` unless `signal` fires first; resolves with its error if it failed. */
function untilSettledOrAborted(attempt: Promise<void>, signal: AbortSignal): Promise<{ error: unknown } | undefined> {
  return new Promise((resolve) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
    attempt.then(
      () => resolve(undefined),
      (error: unknown) => resolve({ error }),
    ).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** Sleeps `ms`, or less if `signal` fires. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return sleep(ms, undefined, { signal }).catch(() => undefined);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
