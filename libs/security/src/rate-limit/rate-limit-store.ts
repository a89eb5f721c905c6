import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { InjectConfig, SwitchboardConfig } from '@switchboard/config';

const KEY_PREFIX = 'switchboard:rate';

/**
 * Where rate-limit counts live: Redis when configured (shared by every replica), otherwise this
 * process. During a Redis outage the counts fall back to this process. One connection for all
 * the gateway's limiters.
 */
@Injectable()
export class RateLimitStore implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RateLimit');
  private readonly redis?: Redis;

  constructor(@InjectConfig() config: SwitchboardConfig) {
    if (config.redis.url) this.redis = this.connect(config.redis.url);
  }

  /** A counter allowing `points` per `durationSeconds` for each key, named to keep counters apart. */
  counter(name: string, points: number, durationSeconds: number): RateLimiterAbstract {
    const options = { points, duration: durationSeconds, keyPrefix: `${KEY_PREFIX}:${name}` };
    const memory = new RateLimiterMemory(options);
    return this.redis
      ? new RateLimiterRedis({ ...options, storeClient: this.redis, rejectIfRedisNotReady: true, insuranceLimiter: memory })
      : memory;
  }

  // Until Redis is ready the counts stay in this process; waiting at start lets replicas agree from the first message.
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
      this.logger.warn(`Redis unavailable for rate limits (counting in this process meanwhile): ${error.message}`);
    });
    return client;
  }
}
