import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { configSchema } from '@switchboard/config';
import { RateLimitStore } from '@switchboard/security';
import { ApiKeyRateLimiter } from './api-key-rate-limiter';

const REDIS_URL = 'redis://127.0.0.1:6379';

const stores: RateLimitStore[] = [];
async function limiter(redisUrl?: string): Promise<ApiKeyRateLimiter> {
  const store = new RateLimitStore(configSchema.parse({ redis: { url: redisUrl } }));
  stores.push(store);
  await store.onModuleInit();
  return new ApiKeyRateLimiter(store);
}

const key = (rateLimitPerMinute: number | null) => ({ id: randomUUID(), rateLimitPerMinute });

async function allowedOf(rateLimiter: ApiKeyRateLimiter, apiKey: ReturnType<typeof key>, times: number): Promise<boolean[]> {
  const results: boolean[] = [];
  for (let i = 0; i < times; i++) results.push((await rateLimiter.consume(apiKey)).allowed);
  return results;
}

beforeAll(() => Logger.overrideLogger(false));
afterEach(() => vi.useRealTimers());
afterAll(() => {
  for (const store of stores) store.onApplicationShutdown();
});

describe.each([
  ['in memory', undefined],
  ['on Redis', REDIS_URL],
])('ApiKeyRateLimiter %s', (_name, redisUrl) => {
  it("allows the key's requests per minute, then refuses until the minute is over", async () => {
    const rateLimiter = await limiter(redisUrl);
    const apiKey = key(3);

    expect(await allowedOf(rateLimiter, apiKey, 5)).toEqual([true, true, true, false, false]);
    const refused = await rateLimiter.consume(apiKey);
    expect(refused.retryAfterMs).toBeGreaterThan(50_000);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('counts each key separately, each with its own limit', async () => {
    const rateLimiter = await limiter(redisUrl);
    const one = key(1);
    const two = key(2);

    expect(await allowedOf(rateLimiter, one, 2)).toEqual([true, false]);
    expect(await allowedOf(rateLimiter, two, 3)).toEqual([true, true, false]);
  });

  it('does not limit a key without a limit', async () => {
    expect((await allowedOf(await limiter(redisUrl), key(null), 50)).every(Boolean)).toBe(true);
  });
});

describe('ApiKeyRateLimiter', () => {
  it('allows the key again once the minute is over', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    const rateLimiter = await limiter();
    const apiKey = key(2);
    await allowedOf(rateLimiter, apiKey, 3);

    vi.advanceTimersByTime(60_001);

    expect(await rateLimiter.consume(apiKey)).toEqual({ allowed: true, retryAfterMs: 0 });
  });

  it('shares counts between replicas through Redis', async () => {
    const apiKey = key(2);
    const first = await limiter(REDIS_URL);
    const second = await limiter(REDIS_URL);

    expect((await first.consume(apiKey)).allowed).toBe(true);
    expect((await second.consume(apiKey)).allowed).toBe(true);
    expect((await first.consume(apiKey)).allowed).toBe(false);
  });

  it('keeps limiting in this process while Redis is unreachable', async () => {
    const rateLimiter = await limiter('redis://127.0.0.1:1');
    expect(await allowedOf(rateLimiter, key(2), 3)).toEqual([true, true, false]);
  });
});
