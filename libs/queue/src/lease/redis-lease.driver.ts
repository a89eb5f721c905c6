import { randomBytes } from 'node:crypto';
import Redis, { type RedisOptions } from 'ioredis';
import type { Lease, LeaseDriver } from './lease-driver';

export interface RedisLeaseTiming {
  /** How long a lease lives in Redis after its last renewal: how long a dead holder blocks a takeover. */
  ttlMs: number;
  /** How often the holder renews; several renewals fit in a TTL so one slow round trip loses nothing. */
  renewEveryMs: number;
}

// A killed holder's lease frees after 10 s; renewing every 3 s leaves room for two failed renewals.
const DEFAULT_TIMING: RedisLeaseTiming = { ttlMs: 10_000, renewEveryMs: 3_000 };
const KEY_PREFIX = 'switchboard:lease:';

// Compare-and-act: only the owner token written at acquisition may extend or delete the key.
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Leases as Redis keys: SET NX PX with a random owner token, renewed by compare-and-pexpire,
 * released by compare-and-delete. The holder gives a lease up on its own one renewal period
 * before Redis could expire it (counted from when the last successful renewal was sent), so it
 * has stopped before any other process can take the key.
 */
export class RedisLeaseDriver implements LeaseDriver {
  readonly kind = 'redis';
  private readonly redis: Redis;
  private readonly held = new Set<RedisLease>();
  private connectionError: Error | undefined;

  constructor(
    options: RedisOptions,
    private readonly timing: RedisLeaseTiming = DEFAULT_TIMING,
    private readonly keyPrefix = KEY_PREFIX,
  ) {
    if (timing.ttlMs < 2 * timing.renewEveryMs) throw new Error('a lease TTL must allow at least two renewals');
    // A command must not wait longer than a renewal period: a lease decision is retried on a timer
    // anyway. Connected on the first command, so a gateway with no long connection opens none.
    this.redis = new Redis({ ...options, commandTimeout: timing.renewEveryMs, maxRetriesPerRequest: 1, lazyConnect: true });
    // Kept to say why commands fail while Redis is unreachable (ioredis rejects them with a generic message).
    this.redis.on('error', (error: Error) => (this.connectionError = error));
    this.redis.on('ready', () => (this.connectionError = undefined));
  }

  async tryAcquire(name: string): Promise<Lease | undefined> {
    const key = this.keyPrefix + name;
    const token = randomBytes(16).toString('hex');
    const sentAt = Date.now();
    const taken = await this.redis.set(key, token, 'PX', this.timing.ttlMs, 'NX').catch((error: unknown) => {
      throw this.connectionError ?? error;
    });
    if (taken !== 'OK') return undefined;
    const lease = new RedisLease(name, key, token, this.redis, this.timing, sentAt, () => this.held.delete(lease));
    this.held.add(lease);
    return lease;
  }

  async close(): Promise<void> {
    await Promise.all([...this.held].map((lease) => lease.release()));
    this.redis.disconnect();
  }
}

class RedisLease implements Lease {
  private readonly controller = new AbortController();
  readonly lost = this.controller.signal;
  private readonly renewTimer: NodeJS.Timeout;
  private expiryTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly name: string,
    private readonly key: string,
    private readonly token: string,
    private readonly redis: Redis,
    private readonly timing: RedisLeaseTiming,
    acquiredAt: number,
    private readonly forget: () => void,
  ) {
    this.renewTimer = setInterval(() => void this.renew(), timing.renewEveryMs);
    this.extendFrom(acquiredAt);
  }

  async release(): Promise<void> {
    if (this.lost.aborted) return;
    this.end(`lease ${this.name} released`);
    // Unreachable Redis: the key expires on its own after the TTL.
    await this.redis.eval(RELEASE, 1, this.key, this.token).catch(() => undefined);
  }

  private async renew(): Promise<void> {
    const sentAt = Date.now();
    let renewed: unknown;
    try {
      renewed = await this.redis.eval(RENEW, 1, this.key, this.token, this.timing.ttlMs);
    } catch {
      // The expiry timer ends the lease if no renewal gets through in time.
      return;
    }
    if (this.lost.aborted) return;
    if (renewed === 1) this.extendFrom(sentAt);
    else this.end(`lease ${this.name} lost: another process holds it`);
  }

  private extendFrom(sentAt: number): void {
    clearTimeout(this.expiryTimer);
    const deadline = sentAt + this.timing.ttlMs - this.timing.renewEveryMs;
    this.expiryTimer = setTimeout(
      () => this.end(`lease ${this.name} lost: not renewed for ${Date.now() - sentAt} ms (lease store unreachable)`),
      deadline - Date.now(),
    );
  }

  private end(reason: string): void {
    clearInterval(this.renewTimer);
    clearTimeout(this.expiryTimer);
    this.forget();
    this.controller.abort(new Error(reason));
  }
}
