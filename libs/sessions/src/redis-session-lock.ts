import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { InProcessSessionLock, SessionLease, SessionLock } from './session-lock';

export interface RedisSessionLockOptions {
  /** How long a lock outlives a holder that stopped renewing it (a crashed process). */
  ttlMs: number;
  /** Longest pause between two tries to take a busy lock. */
  maxPollMs: number;
}

const DEFAULTS: RedisSessionLockOptions = { ttlMs: 30_000, maxPollMs: 200 };
const KEY_PREFIX = 'switchboard:session-lock:';

// Delete or extend the lock only while this holder's token is still in it.
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/**
 * The session lock shared by every gateway and worker process on one Redis. Runs of this process
 * first queue in arrival order in-process, so only the head of each session's line asks Redis.
 * The holder renews its lock while it works; a lock whose holder died expires after `ttlMs`.
 * A holder that stalled longer than that loses the lock and may go on when it wakes: the lock's
 * value is the run's lease token, which fences the run's writes (see SessionLease).
 */
export class RedisSessionLock implements SessionLock, OnApplicationShutdown {
  private readonly logger = new Logger('SessionLock');
  private readonly local = new InProcessSessionLock();
  private readonly options: RedisSessionLockOptions;

  constructor(
    private readonly redis: Redis,
    options: Partial<RedisSessionLockOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  run<T>(key: string, work: (lease: SessionLease) => Promise<T>): Promise<T> {
    return this.local.run(key, async () => {
      const redisKey = KEY_PREFIX + key;
      const token = randomUUID();
      await this.acquire(redisKey, token);
      const renewal = setInterval(() => void this.renew(redisKey, token), this.options.ttlMs / 3);
      try {
        return await work({ token });
      } finally {
        clearInterval(renewal);
        await this.redis.eval(RELEASE, 1, redisKey, token).catch((error: unknown) => {
          // It expires by itself after ttlMs.
          this.logger.warn(`session lock ${key} not released: ${error instanceof Error ? error.message : error}`);
        });
      }
    });
  }

  async isHeld(key: string): Promise<boolean> {
    return (await this.local.isHeld(key)) || (await this.redis.exists(KEY_PREFIX + key)) === 1;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private async acquire(redisKey: string, token: string): Promise<void> {
    for (let pause = 10; ; pause = Math.min(pause * 2, this.options.maxPollMs)) {
      if ((await this.redis.set(redisKey, token, 'PX', this.options.ttlMs, 'NX')) === 'OK') return;
      await sleep(pause);
    }
  }

  private async renew(redisKey: string, token: string): Promise<void> {
    try {
      const renewed = await this.redis.eval(RENEW, 1, redisKey, token, String(this.options.ttlMs));
      // Lost (the process stalled for longer than the TTL): another run of the session may start,
      // and the database refuses this run's writes once it did.
      if (renewed !== 1) this.logger.warn(`session lock ${redisKey.slice(KEY_PREFIX.length)} was lost while its run went on`);
    } catch (error) {
      this.logger.warn(`session lock renewal failed: ${error instanceof Error ? error.message : error}`);
    }
  }
}
