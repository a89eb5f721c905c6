import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { InjectConfig, SwitchboardConfig } from '@switchboard/config';

export interface RateLimitResult {
  allowed: boolean;
  /** When refused: how long until the user may write again. 0 when allowed. */
  retryAfterMs: number;
  /** True only for the first refusal of a window: tell the user once, then stay quiet. */
  notify: boolean;
}

interface Window {
  points: number;
  limiter: RateLimiterAbstract;
}

const KEY_PREFIX = 'switchboard:rate';

/**
 * Messages per user (platform:userId) per minute and per hour. With Redis configured the counts
 * are shared by every replica; a Redis outage falls back to counting in this process.
 * A limit of 0 turns that window off.
 */
@Injectable()
export class UserRateLimiter implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RateLimit');
  private readonly redis?: Redis;
  private readonly minute?: Window;
  private readonly hour?: Window;

  constructor(@InjectConfig() config: SwitchboardConfig) {
    const { rateLimitPerMinute, rateLimitPerHour } = config.security;
    if (config.redis.url && (rateLimitPerMinute > 0 || rateLimitPerHour > 0)) this.redis = this.connect(config.redis.url);
    this.minute = this.window('minute', rateLimitPerMinute, 60);
    this.hour = this.window('hour', rateLimitPerHour, 3_600);
  }

  async consume(platform: string, userId: string): Promise<RateLimitResult> {
    const key = `${platform}:${userId}`;
    if (this.minute) {
      const minute = await take(this.minute, key);
      if (!minute.allowed) {
        // A user already refused by the hour window was told so; hitting the minute limit again says nothing new.
        const hourWaitMs = this.hour ? await refusedFor(this.hour, key) : 0;
        return {
          allowed: false,
          retryAfterMs: Math.max(minute.retryAfterMs, hourWaitMs),
          notify: minute.notify && hourWaitMs === 0,
        };
      }
    }
    return this.hour ? take(this.hour, key) : { allowed: true, retryAfterMs: 0, notify: false };
  }

  // Until Redis is ready the counts stay in this process; waiting at start lets replicas agree from the first message.
  async onModuleInit(): Promise<void> {
    await this.redis?.ping().catch(() => undefined);
  }

  onApplicationShutdown(): void {
    this.redis?.disconnect();
  }

  private window(name: string, points: number, duration: number): Window | undefined {
    if (points === 0) return undefined;
    const options = { points, duration, keyPrefix: `${KEY_PREFIX}:${name}` };
    const memory = new RateLimiterMemory(options);
    const limiter = this.redis
      ? new RateLimiterRedis({ ...options, storeClient: this.redis, rejectIfRedisNotReady: true, insuranceLimiter: memory })
      : memory;
    return { points, limiter };
  }

  private connect(url: string): Redis {
    const client = new Redis(url, { maxRetriesPerRequest: 1 });
    // One line per outage, not one per reconnect attempt.
    let reported = false;
    client.on('ready', () => (reported = false));
    client.on('error', (error: Error) => {
      if (reported) return;
      reported = true;
      this.logger.warn(`Redis unavailable for rate limits (counting in this process meanwhile): ${error.message}`);
    });
    return client;
  }
}

async function take(window: Window, key: string): Promise<RateLimitResult> {
  try {
    await window.limiter.consume(key);
    return { allowed: true, retryAfterMs: 0, notify: false };
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    // Refused attempts keep counting, so exactly one of them is the first past the limit.
    return { allowed: false, retryAfterMs: rejection.msBeforeNext, notify: rejection.consumedPoints === window.points + 1 };
  }
}

/** How much longer the window refuses the key; 0 when it does not. */
async function refusedFor(window: Window, key: string): Promise<number> {
  const state = await window.limiter.get(key);
  return state && state.consumedPoints > window.points ? state.msBeforeNext : 0;
}
