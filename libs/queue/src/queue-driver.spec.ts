import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DomainError, ErrorCode } from '@switchboard/core';
import { QueueJobRepository } from '@switchboard/persistence';
import { Database, openDatabase } from '@switchboard/persistence/database';
import { BULLMQ_PREFIX, BullMqQueueDriver } from './bullmq/bullmq.driver';
import { redisOptionsFromUrl } from './bullmq/redis-options';
import { InProcessQueueDriver } from './in-process/in-process.driver';
import type { JobContext, QueueDefaults, QueueDriver } from './queue-driver';

const REDIS_URL = 'redis://127.0.0.1:6379';
type TestJobs = Record<string, { n: number }>;
const defaults: QueueDefaults = { attempts: 3, backoffMs: 10, concurrency: 4 };

interface Harness {
  /** A driver for these job names; a second call simulates a restarted process on the same store. */
  driver(names: string[], options?: Partial<QueueDefaults>): Promise<QueueDriver<TestJobs>>;
  close(): Promise<void>;
}

async function inProcessHarness(): Promise<Harness> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-queue-'));
  const db: Database = await openDatabase({ dataDir });
  const repository = new QueueJobRepository(db);
  return {
    driver: async (_names, options) => new InProcessQueueDriver<TestJobs>(repository, { ...defaults, ...options }),
    close: () => db.close(),
  };
}

async function bullMqHarness(): Promise<Harness> {
  const connection = redisOptionsFromUrl(REDIS_URL);
  const queues: Queue[] = [];
  return {
    driver: async (names, options) => {
      const map = new Map(names.map((name) => [name, new Queue(name, { connection, prefix: BULLMQ_PREFIX })]));
      queues.push(...map.values());
      return new BullMqQueueDriver<TestJobs>(map, connection, { ...defaults, ...options });
    },
    close: async () => {
      for (const queue of queues) {
        await queue.obliterate({ force: true }).catch(() => undefined);
        await queue.close();
      }
    },
  };
}

/** Polls `read` until `ok` holds for its value; fails after `timeoutMs`. */
async function eventually<T>(read: () => T | Promise<T>, ok: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`not reached in ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await sleep(10);
  }
}

const until = (condition: () => boolean) => eventually(condition, Boolean);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each([
  ['in-process', inProcessHarness],
  ['bullmq', bullMqHarness],
])('%s queue driver', (_kind, makeHarness) => {
  let harness: Harness;
  const open: QueueDriver<TestJobs>[] = [];
  const name = () => `test.${randomUUID().slice(0, 8)}`;
  const driver = async (names: string[], options?: Partial<QueueDefaults>) => {
    const made = await harness.driver(names, options);
    open.push(made);
    return made;
  };

  beforeAll(async () => {
    harness = await makeHarness();
  });
  afterEach(async () => {
    for (const d of open.splice(0)) await d.close(1_000);
  });
  afterAll(async () => {
    await harness.close();
  });

  it('runs an added job once with its payload', async () => {
    const job = name();
    const queue = await driver([job]);
    const seen: JobContext<{ n: number }>[] = [];
    await queue.process(job, async (ctx) => {
      seen.push(ctx);
    });
    const id = await queue.add(job, { n: 7 });
    await until(() => seen.length === 1);
    expect(seen[0]).toMatchObject({ id, name: job, payload: { n: 7 }, attempt: 1, maxAttempts: 3 });
  });

  it('retries a failing job with backoff until it succeeds', async () => {
    const job = name();
    const queue = await driver([job]);
    const attempts: number[] = [];
    await queue.process(job, async (ctx) => {
      attempts.push(ctx.attempt);
      if (ctx.attempt < 3) throw new DomainError(ErrorCode.TEMPORARY, 'flaky');
    });
    await queue.add(job, { n: 1 });
    await until(() => attempts.length === 3);
    await sleep(100);
    expect(attempts).toEqual([1, 2, 3]);
    expect((await queue.counts(job)).dead).toBe(0);
  });

  it('uses no attempt for failures caused by an outage of the database or Redis, however many', async () => {
    const job = name();
    const queue = await driver([job], { attempts: 1 });
    const attempts: number[] = [];
    await queue.process(job, async (ctx) => {
      attempts.push(ctx.attempt);
      if (attempts.length <= 3) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    });
    await queue.add(job, { n: 1 });
    await until(() => attempts.length === 4);
    await eventually(() => queue.counts(job), (counts) => counts.active + counts.waiting + counts.delayed === 0);
    expect(attempts).toEqual([1, 1, 1, 1]);
    expect((await queue.counts(job)).dead).toBe(0);
  });

  it('moves a job out of attempts to the dead-letter list with its error', async () => {
    const job = name();
    const queue = await driver([job], { attempts: 2 });
    let runs = 0;
    await queue.process(job, async () => {
      runs++;
      throw new Error('always broken');
    });
    const id = await queue.add(job, { n: 2 });
    const dead = await eventually(() => queue.deadLetters(job), (letters) => letters.length === 1);
    expect(dead[0]).toMatchObject({ id, payload: { n: 2 }, attempts: 2 });
    expect(dead[0].error).toContain('always broken');
    expect(runs).toBe(2);
    expect(await queue.isDead(job, id)).toBe(true);
  });

  it('tells a dead job from a waiting, a completed and an unknown one', async () => {
    const job = name();
    const queue = await driver([job], { attempts: 1 });
    const waiting = await queue.add(job, { n: 0 }, { delayMs: 60_000 });
    const done: number[] = [];
    await queue.process(job, async (ctx) => {
      if (ctx.payload.n === 2) throw new Error('broken');
      done.push(ctx.payload.n);
    });
    const completed = await queue.add(job, { n: 1 }, { jobId: 'completed:1' });
    const dead = await queue.add(job, { n: 2 }, { jobId: 'dead:2' });
    await eventually(() => queue.counts(job), (counts) => counts.dead === 1);
    await until(() => done.length === 1);

    expect(await queue.isDead(job, dead)).toBe(true);
    expect(await queue.isDead(job, completed)).toBe(false);
    expect(await queue.isDead(job, waiting)).toBe(false);
    expect(await queue.isDead(job, 'never-added')).toBe(false);
  });

  it('does not retry a permanent failure', async () => {
    const job = name();
    const queue = await driver([job]);
    let runs = 0;
    await queue.process(job, async () => {
      runs++;
      throw new DomainError(ErrorCode.PERMANENT, 'bad payload');
    });
    await queue.add(job, { n: 3 });
    await eventually(() => queue.counts(job), (counts) => counts.dead === 1);
    await sleep(100);
    expect(runs).toBe(1);
  });

  it('runs a job id added twice only once', async () => {
    const job = name();
    const queue = await driver([job]);
    let runs = 0;
    await queue.process(job, async () => {
      runs++;
    });
    const first = await queue.add(job, { n: 4 }, { jobId: 'telegram:42:7' });
    const second = await queue.add(job, { n: 5 }, { jobId: 'telegram:42:7' });
    expect(first).toBe('telegram:42:7');
    expect(second).toBe(first);
    await until(() => runs === 1);
    await sleep(200);
    expect(runs).toBe(1);
  });

  it('keeps the newest completed jobs only: a pruned job id added again runs again, a kept one does not', async () => {
    const job = name();
    const queue = await driver([job], { keepCompleted: 2, concurrency: 1 });
    const ran: number[] = [];
    await queue.process(job, async ({ payload }) => {
      ran.push(payload.n);
    });
    for (let n = 1; n <= 4; n++) {
      await queue.add(job, { n }, { jobId: `id-${n}` });
      await until(() => ran.length === n);
    }

    await queue.add(job, { n: 4 }, { jobId: 'id-4' });
    await queue.add(job, { n: 1 }, { jobId: 'id-1' });
    await until(() => ran.length === 5);
    await sleep(200);
    expect(ran).toEqual([1, 2, 3, 4, 1]);
  });

  it('never runs more jobs at once than the concurrency limit', async () => {
    const job = name();
    const queue = await driver([job]);
    let running = 0;
    let peak = 0;
    let done = 0;
    await queue.process(
      job,
      async () => {
        running++;
        peak = Math.max(peak, running);
        await sleep(50);
        running--;
        done++;
      },
      { concurrency: 2 },
    );
    for (let i = 0; i < 8; i++) await queue.add(job, { n: i });
    await until(() => done === 8);
    expect(peak).toBe(2);
  });

  it('keeps added jobs across a restart and runs them in the new process', async () => {
    const job = name();
    const before = await driver([job]);
    for (let i = 0; i < 5; i++) await before.add(job, { n: i });
    await before.close(1_000); // nothing was processing them
    const after = await driver([job]);
    const seen: number[] = [];
    await after.process(job, async (ctx) => {
      seen.push(ctx.payload.n);
    });
    await until(() => seen.length === 5);
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('waits for a running job on close', async () => {
    const job = name();
    const queue = await driver([job]);
    let finished = false;
    let started = false;
    await queue.process(job, async () => {
      started = true;
      await sleep(300);
      finished = true;
    });
    await queue.add(job, { n: 9 });
    await until(() => started);
    await queue.close(5_000);
    expect(finished).toBe(true);
  });
});
