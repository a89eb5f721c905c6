import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import Redis from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { redisOptionsFromUrl } from '../bullmq/redis-options';
import { InProcessLeaseDriver } from './in-process-lease.driver';
import type { Lease, LeaseDriver } from './lease-driver';
import { RedisLeaseDriver, type RedisLeaseTiming } from './redis-lease.driver';

const REDIS_URL = 'redis://127.0.0.1:6379';
// Short enough for quick takeovers in tests; the production default is 10 s / 3 s.
const FAST: RedisLeaseTiming = { ttlMs: 900, renewEveryMs: 200 };

const admin = new Redis(REDIS_URL);
const drivers: LeaseDriver[] = [];
let prefix = '';

beforeAll(() => admin.ping());
afterAll(() => admin.quit());
afterEach(async () => {
  await Promise.all(drivers.splice(0).map((driver) => driver.close()));
  const keys = await admin.keys(`${prefix}*`);
  if (keys.length > 0) await admin.del(...keys);
});

/** A replica's lease driver on the shared test Redis, under a key prefix of its own per test. */
function replica(url = REDIS_URL): RedisLeaseDriver {
  const driver = new RedisLeaseDriver(redisOptionsFromUrl(url), FAST, prefix);
  drivers.push(driver);
  return driver;
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function lostReason(lease: Lease): string {
  return String((lease.lost.reason as Error | undefined)?.message);
}

describe('RedisLeaseDriver', () => {
  // Each test its own keys, so runs and other suites on the same Redis never meet.
  beforeEach(() => {
    prefix = `sbtest:lease:${randomUUID()}:`;
  });

  it('acquires a free lease and writes its owner token with a TTL', async () => {
    const lease = await replica().tryAcquire('channel:telegram:default');

    expect(lease?.name).toBe('channel:telegram:default');
    expect(lease?.lost.aborted).toBe(false);
    expect(await admin.get(`${prefix}channel:telegram:default`)).toMatch(/^[0-9a-f]{32}$/);
    expect(await admin.pttl(`${prefix}channel:telegram:default`)).toBeGreaterThan(0);
  });

  it('is exclusive: another replica, and the holder itself, are refused while it is held', async () => {
    const holder = replica();
    await holder.tryAcquire('channel:telegram:default');

    expect(await replica().tryAcquire('channel:telegram:default')).toBeUndefined();
    expect(await holder.tryAcquire('channel:telegram:default')).toBeUndefined();
    expect(await replica().tryAcquire('channel:telegram:other')).toBeDefined();
  });

  it('renews the lease while held, so it outlives its TTL', async () => {
    const lease = await replica().tryAcquire('renewed');
    const key = `${prefix}renewed`;
    const owner = await admin.get(key);

    // Seen with a fresh TTL five times after it had run down: five renewals (every 200 ms) outlast the 900 ms TTL.
    let renewals = 0;
    let last = await admin.pttl(key);
    await until(async () => {
      const ttl = await admin.pttl(key);
      if (ttl > last) renewals += 1;
      last = ttl;
      return renewals >= 5 && ttl > 0;
    }, 'five renewals');
    expect(await admin.get(key)).toBe(owner);
    expect(lease?.lost.aborted).toBe(false);
    expect(await replica().tryAcquire('renewed')).toBeUndefined();
  });

  it('lets another replica take over once a holder stopped renewing (a killed process)', async () => {
    // What a process killed while holding the lease leaves behind: its key, no more renewals.
    await admin.set(`${prefix}orphaned`, 'dead-holder-token', 'PX', FAST.ttlMs);
    const contender = replica();
    expect(await contender.tryAcquire('orphaned')).toBeUndefined();

    let lease: Lease | undefined;
    await until(async () => (lease = await contender.tryAcquire('orphaned')) !== undefined, 'the takeover');
    expect(await admin.get(`${prefix}orphaned`)).not.toBe('dead-holder-token');
    expect(lease?.lost.aborted).toBe(false);
  });

  it('frees the lease at once on release and on close, for another replica to take', async () => {
    const first = replica();
    const lease = await first.tryAcquire('released');
    await lease?.release();

    expect(lease?.lost.aborted).toBe(true);
    expect(lostReason(lease!)).toContain('released');
    expect(await admin.exists(`${prefix}released`)).toBe(0);
    const second = replica();
    const taken = await second.tryAcquire('released');
    expect(taken).toBeDefined();

    await second.close();
    expect(taken?.lost.aborted).toBe(true);
    expect(await admin.exists(`${prefix}released`)).toBe(0);
  });

  it('never deletes a lease another replica took over', async () => {
    const lease = await replica().tryAcquire('taken');
    await admin.set(`${prefix}taken`, 'new-holder-token', 'PX', 60_000);

    await lease?.release();
    expect(await admin.get(`${prefix}taken`)).toBe('new-holder-token');
  });

  it('tells the holder at once when a renewal finds another owner', async () => {
    const lease = await replica().tryAcquire('stolen');
    // As if this process had paused past the TTL and another replica had taken the lease meanwhile.
    await admin.set(`${prefix}stolen`, 'new-holder-token', 'PX', 60_000);

    await until(() => lease!.lost.aborted, 'the holder to learn it lost the lease');
    expect(lostReason(lease!)).toContain('another process holds it');
    expect(await admin.get(`${prefix}stolen`)).toBe('new-holder-token');
  });

  it('gives the lease up before it can expire when Redis stops answering renewals', async () => {
    const redis = await PrivateRedis.start();
    try {
      const lease = await replica(redis.url).tryAcquire('unreachable');
      expect(lease).toBeDefined();
      await redis.stop();

      await until(() => lease!.lost.aborted, 'the holder to give the lease up');
      expect(lostReason(lease!)).toContain('not renewed');
    } finally {
      await redis.stop();
    }
  });

  it('rejects an attempt when Redis cannot be reached', async () => {
    const redis = await PrivateRedis.start();
    const driver = replica(redis.url);
    await redis.stop();

    await expect(driver.tryAcquire('nowhere')).rejects.toThrow();
  });
});

describe('InProcessLeaseDriver', () => {
  it('holds a lease until released, one holder per name', async () => {
    const driver = new InProcessLeaseDriver();
    const lease = await driver.tryAcquire('channel:telegram:default');

    expect(lease?.lost.aborted).toBe(false);
    expect(await driver.tryAcquire('channel:telegram:default')).toBeUndefined();
    await lease?.release();
    expect(lease?.lost.aborted).toBe(true);
    const again = await driver.tryAcquire('channel:telegram:default');
    expect(again).toBeDefined();

    await driver.close();
    expect(again?.lost.aborted).toBe(true);
  });
});

/** A redis-server of this test's own on a free port, to stop without touching the shared one. */
class PrivateRedis {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
    private readonly exited: Promise<void>,
  ) {}

  static async start(): Promise<PrivateRedis> {
    const port = await freePort();
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const redis = new PrivateRedis(`redis://127.0.0.1:${port}`, child, exited);
    const probe = new Redis({ port, lazyConnect: true, retryStrategy: () => 50 });
    probe.on('error', () => undefined);
    await until(() => probe.ping().then(() => true, () => false), 'the private redis-server');
    probe.disconnect();
    return redis;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
