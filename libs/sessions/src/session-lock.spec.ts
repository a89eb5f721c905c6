import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { redisOptionsFromUrl } from '@switchboard/queue/bullmq/redis-options';
import { RedisSessionLock } from './redis-session-lock';
import { buildSessionKey } from './session-key';
import { InProcessSessionLock, SessionLock } from './session-lock';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

// Each Redis lock stands for one process; they share the Redis server, as replicas do.
const redisClients: Redis[] = [];
function redisLock(options: ConstructorParameters<typeof RedisSessionLock>[1] = {}): RedisSessionLock {
  const redis = new Redis(redisOptionsFromUrl(REDIS_URL));
  redisClients.push(redis);
  return new RedisSessionLock(redis, options);
}
afterAll(async () => {
  await Promise.all(redisClients.map((redis) => redis.quit()));
});

const uniqueKey = (name: string) => `test:${name}:${randomUUID()}`;

/**
 * Starts a run that holds `key` until `finish` is called; resolves once the run's work started
 * (a Redis lock's key is set before that, so the key alone does not mean `finish` exists yet).
 */
async function startedRun(lock: SessionLock, key: string): Promise<{ running: Promise<void>; finish: () => void }> {
  let finish!: () => void;
  let started!: () => void;
  const working = new Promise<void>((resolve) => (started = resolve));
  const running = lock.run(key, () =>
    new Promise<void>((resolve) => {
      finish = resolve;
      started();
    }),
  );
  await working;
  return { running, finish };
}

describe.each([
  ['in-process', () => new InProcessSessionLock()],
  ['Redis', () => redisLock()],
] as const)('SessionLock (%s)', (_kind, createLock) => {
  it('runs one turn per session at a time, in arrival order, and sessions in parallel', async () => {
    const lock = createLock();
    const [a, b] = [uniqueKey('a'), uniqueKey('b')];
    const events: string[] = [];
    const turn = (key: string, name: string, ms: number) =>
      lock.run(key, async () => {
        events.push(`start ${name}`);
        await sleep(ms);
        events.push(`end ${name}`);
      });
    await Promise.all([turn(a, 'a1', 60), turn(a, 'a2', 10), turn(b, 'b1', 20)]);
    expect(events.indexOf('end a1')).toBeLessThan(events.indexOf('start a2'));
    expect(events.indexOf('start b1')).toBeLessThan(events.indexOf('end a1'));
  });

  it('tells whether a session has a run in progress', async () => {
    const lock = createLock();
    const key = uniqueKey('held');
    const { running, finish } = await startedRun(lock, key);
    expect(await lock.isHeld(key)).toBe(true);
    expect(await lock.isHeld(uniqueKey('other'))).toBe(false);
    finish();
    await running;
    expect(await lock.isHeld(key)).toBe(false);
  });

  it('gives each run a lease of its own', async () => {
    const lock = createLock();
    const key = uniqueKey('lease');
    const tokens = await Promise.all([1, 2].map(() => lock.run(key, async (lease) => lease.token)));
    expect(tokens[0]).not.toBe(tokens[1]);
    expect(tokens.every((token) => token.length > 0)).toBe(true);
  });

  it('releases the session when a turn fails', async () => {
    const lock = createLock();
    const key = uniqueKey('fail');
    await expect(lock.run(key, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await lock.run(key, async () => 'next')).toBe('next');
  });
});

describe('InProcessSessionLock', () => {
  it('forgets sessions with nothing running', async () => {
    const lock = new InProcessSessionLock();
    await Promise.all([lock.run('a', async () => sleep(5)), lock.run('b', async () => sleep(5))]);
    expect(lock.busyCount).toBe(0);
  });
});

describe('RedisSessionLock', () => {
  it('serialises the runs of one session across processes', async () => {
    const [first, second] = [redisLock(), redisLock()];
    const key = uniqueKey('shared');
    let running = 0;
    let overlapped = false;
    const turn = (lock: RedisSessionLock) =>
      lock.run(key, async () => {
        running++;
        overlapped ||= running > 1;
        await sleep(30);
        running--;
      });
    await Promise.all([turn(first), turn(second), turn(first), turn(second)]);
    expect(overlapped).toBe(false);
  });

  it('keeps the lock past its TTL while the holder works, by renewing it', async () => {
    const [holder, other] = [redisLock({ ttlMs: 150 }), redisLock({ ttlMs: 150 })];
    const key = uniqueKey('renew');
    const events: string[] = [];
    const { running, finish } = await startedRun(holder, key);
    const waiting = other.run(key, async () => void events.push('other ran'));
    await sleep(500); // more than three TTLs of work
    events.push('holder done');
    finish();
    await Promise.all([running, waiting]);
    expect(events).toEqual(['holder done', 'other ran']);
  });

  it('sees a run held by another process', async () => {
    const [holder, other] = [redisLock(), redisLock()];
    const key = uniqueKey('elsewhere');
    const { running, finish } = await startedRun(holder, key);
    expect(await other.isHeld(key)).toBe(true);
    finish();
    await running;
    expect(await other.isHeld(key)).toBe(false);
  });

  it('lets another process in once a holder that died stops renewing', async () => {
    const key = uniqueKey('crash');
    // A process that took the lock and died: the key stays until its TTL ends.
    const dead = new Redis(redisOptionsFromUrl(REDIS_URL));
    redisClients.push(dead);
    await dead.set(`switchboard:session-lock:${key}`, 'dead-holder', 'PX', 200, 'NX');
    const started = Date.now();
    await redisLock().run(key, async () => undefined);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });
});

describe('buildSessionKey', () => {
  it('keys by agent, platform, chat type, chat and thread', () => {
    expect(buildSessionKey('main', { platform: 'telegram', chatType: 'dm', chatId: '42' })).toBe('agent:main:telegram:dm:42');
    expect(buildSessionKey('main', { platform: 'telegram', chatType: 'thread', chatId: '-100', threadId: '7' })).toBe(
      'agent:main:telegram:thread:-100:7',
    );
  });
});
