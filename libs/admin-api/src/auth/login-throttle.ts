import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InjectConfig, SwitchboardConfig } from '@switchboard/config';
import { redisOptionsFromUrl } from '@switchboard/queue';
import { Redis } from 'ioredis';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/** Failed sign-ins allowed per window: per address (many accounts) and per account (many addresses). */
export const LOGIN_THROTTLE = Symbol('LOGIN_THROTTLE_OPTIONS');
export interface LoginThrottleOptions {
  perIp: number;
  perAccount: number;
  windowSeconds: number;
}
export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = { perIp: 30, perAccount: 10, windowSeconds: 15 * 60 };

/**
 * Counts failed sign-ins per client address and per email with rate-limiter-flexible: in Redis
 * when configured (shared by every replica), else in this process. While either is used up, sign-in
 * answers 429 without checking the password.
 */
@Injectable()
export class LoginThrottle implements OnApplicationShutdown {
  private readonly redis: Redis | null;
  private readonly byIp: RateLimiterAbstract;
  private readonly byAccount: RateLimiterAbstract;

  constructor(@InjectConfig() config: SwitchboardConfig, @Inject(LOGIN_THROTTLE) options: LoginThrottleOptions) {
    this.redis = config.redis.url ? new Redis({ ...redisOptionsFromUrl(config.redis.url), enableOfflineQueue: false }) : null;
    const limiter = (keyPrefix: string, points: number) =>
      this.redis
        ? new RateLimiterRedis({ storeClient: this.redis, keyPrefix, points, duration: options.windowSeconds, insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration: options.windowSeconds }) })
        : new RateLimiterMemory({ keyPrefix, points, duration: options.windowSeconds });
    this.byIp = limiter('sb-login-ip', options.perIp);
    this.byAccount = limiter('sb-login-account', options.perAccount);
  }

  /** Milliseconds to wait before trying again, or 0 when sign-in may be tried. */
  async blockedFor(ip: string, email: string): Promise<number> {
    const [a, b] = await Promise.all([this.byIp.get(ip), this.byAccount.get(email)]);
    const waits = [a, b].filter((res): res is RateLimiterRes => res !== null && res.remainingPoints <= 0).map((res) => res.msBeforeNext);
    return waits.length ? Math.max(...waits, 1) : 0;
  }

  async failed(ip: string, email: string): Promise<void> {
    // Rejects once the points are gone: that is the block itself, nothing to report.
    await Promise.all([this.byIp.consume(ip).catch(() => undefined), this.byAccount.consume(email).catch(() => undefined)]);
  }

  async succeeded(email: string): Promise<void> {
    await this.byAccount.delete(email);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }
}
