import { Injectable } from '@nestjs/common';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimitStore } from '@switchboard/security';
import type { ApiKeyRecord } from '@switchboard/persistence';

export interface ApiKeyRateLimitResult {
  allowed: boolean;
  /** When refused: how long until the key may be used again. 0 when allowed. */
  retryAfterMs: number;
}

// Each key has its own limit, so the counter never refuses by itself: consume() counts, and the
// count is compared with the key's limit. Refused requests count too, until the minute is over.
const COUNT_ONLY = Number.MAX_SAFE_INTEGER;

/** Requests per API key per minute (the key's rateLimitPerMinute; none when unset). */
@Injectable()
export class ApiKeyRateLimiter {
  private readonly counter: RateLimiterAbstract;

  constructor(store: RateLimitStore) {
    this.counter = store.counter('api-key', COUNT_ONLY, 60);
  }

  async consume(key: Pick<ApiKeyRecord, 'id' | 'rateLimitPerMinute'>): Promise<ApiKeyRateLimitResult> {
    if (!key.rateLimitPerMinute) return { allowed: true, retryAfterMs: 0 };
    const counted = await this.counter.consume(key.id);
    if (counted.consumedPoints <= key.rateLimitPerMinute) return { allowed: true, retryAfterMs: 0 };
    return { allowed: false, retryAfterMs: counted.msBeforeNext };
  }
}
