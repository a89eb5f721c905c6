import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { InjectConfig, SwitchboardConfig } from '@switchboard/config';
import type { ApiKeyRecord } from '@switchboard/persistence';

export interface ApiKeyRateLimitResult {
  allowed: boolean;
  /** When refused: how long until the key may be used again. 0 when allowed. */
  retryAfterMs: number;
}

// Each key has its own limit, so the counter never refuses by itself: consume() counts, and the
// count is compared with the key's limit. Refused requests count too, until the minute is over.
const COUNT_ONLY = Number.MAX_SAFE_INTEGER;

/**
 * Requests per API key per minute (the key's rateLimitPerMinute; none when unset). With Redis
 * configured the counts are shared by every replica; during a Redis outage they are kept in this
 * process.
 */
@Injectable()
export class ApiKeyRateLimiter implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ApiKeyRateLimit');
  private readonly redis?: Redis;
  private readonly counter: RateLimiterAbstract;

  constructor(@InjectConfig() config: SwitchboardConfig) {
    const options = { points: COUNT_ONLY, duration: 60, keyPrefix: 'switchboard:api-key-rate' };
    const memory = new RateLimiterMemory(options);
    if (config.redis.url) this.redis = this.connect(config.redis.url);
    this.counter = this.redis
      ? new RateLimiterRedis({ ...options, storeClient: this.redis, rejectIfRedisNotReady: true, insuranceLimiter: memory })
      : memory;
  }

  async consume(key: Pick<ApiKeyRecord, 'id' | 'rateLimitPerMinute'>): Promise<ApiKeyRateLimitResult> {
    if (!key.rateLimitPerMinute) return { allowed: true, retryAfterMs: 0 };
    const counted = await this.counter.consume(key.id);
    if (counted.consumedPoints <= key.rateLimitPerMinute) return { allowed: true, retryAfterMs: 0 };
    return { allowed: false, retryAfterMs: counted.msBeforeNext };
  }

  // Until Redis is ready the counts stay in this process; waiting at start lets replicas agree from the first request.
  async onModuleInit(): Promise<void> {
    await this.redis?.ping().catch(() => undefined);
  }

  onApplicationShutdown(): void {
    this.redis?.disconnect();
  }

  private connect(url: string): Redis {
    const client = new Redis(url, { maxRetriesPerRequest: 1 });
    // One line per outage, not one per reconnect attempt.
    let reported = false;
    client.on('ready', () => (reported = false));
    client.on('error', (error: Error) => {
      if (reported) return;
      reported = true;
      this.logger.warn(`Redis unavailable for API key rate limits (counting in this process meanwhile): ${error.message}`);
    });
    return client;
  }
}
