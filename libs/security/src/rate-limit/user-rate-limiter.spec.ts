import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { configSchema } from '@switchboard/config';
import { RateLimitStore } from './rate-limit-store';
import { UserRateLimiter } from './user-rate-limiter';

const REDIS_URL = 'redis://127.0.0.1:6379';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const stores: RateLimitStore[] = [];
async function limiter(perMinute: number, perHour: number, redisUrl?: string): Promise<UserRateLimiter> {
  const config = configSchema.parse({ security: { rateLimitPerMinute: perMinute, rateLimitPerHour: perHour }, redis: { url: redisUrl } });
  const store = new RateLimitStore(config);
  stores.push(store);
  await store.onModuleInit();
  return new UserRateLimiter(config, store);
}

async function consumeTimes(rateLimiter: UserRateLimiter, user: string, times: number) {
  const results = [];
  for (let i = 0; i < times; i++) results.push(await rateLimiter.consume('telegram', user));
  return results;
}

beforeAll(() => Logger.overrideLogger(false));
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});
afterAll(() => {
  for (const store of stores) store.onApplicationShutdown();
});

describe.each([
  ['in memory', undefined],
  ['on Redis', REDIS_URL],
])('UserRateLimiter %s', (_name, redisUrl) => {
  it('allows the per-minute limit, then refuses and notifies only the first refusal', async () => {
    const user = randomUUID();
    const results = await consumeTimes(await limiter(3, 100, redisUrl), user, 6);

    expect(results.slice(0, 3)).toEqual(Array(3).fill({ allowed: true, retryAfterMs: 0, notify: false }));
    expect(results.slice(3).map((r) => [r.allowed, r.notify])).toEqual([
      [false, true],
      [false, false],
      [false, false],
    ]);
    expect(results[3].retryAfterMs).toBeGreaterThan(50_000);
    expect(results[3].retryAfterMs).toBeLessThanOrEqual(MINUTE);
  });

  it('counts each user of each platform separately', async () => {
    const rateLimiter = await limiter(1, 100, redisUrl);
    const user = randomUUID();
    expect((await rateLimiter.consume('telegram', user)).allowed).toBe(true);
    expect((await rateLimiter.consume('telegram', user)).allowed).toBe(false);
    expect((await rateLimiter.consume('slack', user)).allowed).toBe(true);
    expect((await rateLimiter.consume('telegram', randomUUID())).allowed).toBe(true);
  });

  it('refuses past the hourly limit with a wait of up to an hour, notifying once', async () => {
    const user = randomUUID();
    const results = await consumeTimes(await limiter(100, 4, redisUrl), user, 7);

    expect(results.filter((r) => r.allowed)).toHaveLength(4);
    expect(results.slice(4).map((r) => r.notify)).toEqual([true, false, false]);
    expect(results[4].retryAfterMs).toBeGreaterThan(HOUR - MINUTE);
  });

  it('does not notify again when the minute limit is hit while the hour limit already refuses', async () => {
    const user = randomUUID();
    const results = await consumeTimes(await limiter(5, 3, redisUrl), user, 8);

    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false, false, false, false, false]);
    expect(results.filter((r) => r.notify)).toHaveLength(1);
    expect(results[7].retryAfterMs).toBeGreaterThan(HOUR - MINUTE);
  });

  it('has no limit where the setting is 0', async () => {
    const user = randomUUID();
    expect((await consumeTimes(await limiter(0, 0, redisUrl), user, 50)).every((r) => r.allowed)).toBe(true);
    expect((await consumeTimes(await limiter(0, 2, redisUrl), randomUUID(), 3)).map((r) => r.allowed)).toEqual([true, true, false]);
  });
});

describe('UserRateLimiter', () => {
  it('lets a user write again once the minute is over', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    const rateLimiter = await limiter(2, 100);
    await consumeTimes(rateLimiter, 'u1', 3);

    vi.advanceTimersByTime(MINUTE + 1);

    expect(await rateLimiter.consume('telegram', 'u1')).toEqual({ allowed: true, retryAfterMs: 0, notify: false });
  });

  it('shares counts between replicas through Redis', async () => {
    const user = randomUUID();
    const first = await limiter(2, 100, REDIS_URL);
    const second = await limiter(2, 100, REDIS_URL);

    expect((await first.consume('telegram', user)).allowed).toBe(true);
    expect((await second.consume('telegram', user)).allowed).toBe(true);
    expect(await first.consume('telegram', user)).toMatchObject({ allowed: false, notify: true });
    expect(await second.consume('telegram', user)).toMatchObject({ allowed: false, notify: false });
  });

  it('keeps limiting in this process while Redis is unreachable, and says so once', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn');
    const rateLimiter = await limiter(2, 100, 'redis://127.0.0.1:1');

    const results = await consumeTimes(rateLimiter, 'u1', 3);
    await vi.waitFor(() => expect(warn).toHaveBeenCalled());
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(results.map((r) => r.allowed)).toEqual([true, true, false]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toContain('Redis unavailable');
  });
});
