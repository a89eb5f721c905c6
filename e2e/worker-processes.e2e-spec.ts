import fs from 'node:fs';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, run } from './support/gateway-process';
import { ALICE, TelegramHarness, sleep } from './support/telegram-harness';
import { REDIS_URL, createTestDatabase } from './support/postgres';

const harness = new TelegramHarness();
beforeAll(() => harness.start());
afterAll(() => harness.stop());

function childPids(pid: number): number[] {
  const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return children ? children.split(' ').map(Number) : [];
}

// A process that exited but was not reaped yet (a zombie) counts as stopped.
function isAlive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function readyWorkers(url: string): Promise<number | undefined> {
  const response = await fetch(`${url}/ready`);
  const body = (await response.json()) as { details?: { workers?: { running?: number } } };
  return response.status === 200 ? body.details?.workers?.running : undefined;
}

/** True once no message waits for an answer and no session lock is held. */
async function idle(databaseUrl: string): Promise<true | undefined> {
  const db = new Client({ connectionString: databaseUrl });
  const redis = new Redis(REDIS_URL);
  try {
    await db.connect();
    const { rows } = await db.query<{ pending: number }>('SELECT count(*)::int AS pending FROM "PendingMessage"');
    const locks = await redis.keys('switchboard:session-lock:*');
    return rows[0].pending === 0 && locks.length === 0 ? true : undefined;
  } finally {
    await db.end();
    redis.disconnect();
  }
}

describe('worker processes (QUEUE_WORKER_PROCESSES)', () => {
  it('answers through its worker processes, starts again one that was killed, and stops them with it', async () => {
    const db = await createTestDatabase();
    try {
      const gateway = await harness.gateway(harness.env({ DATABASE_URL: db.url, REDIS_URL, QUEUE_WORKER_PROCESSES: '2' }));
      await until('two workers ready', () => readyWorkers(gateway.url).then((running) => (running === 2 ? running : undefined)));
      const workers = childPids(gateway.child.pid!);
      expect(workers).toHaveLength(2);

      harness.llm.enqueue({ text: 'Answered by a worker.' });
      expect(await harness.post(gateway, harness.telegram.build.privateText('Who answers?', { from: ALICE }))).toBe(200);
      await harness.waitForMessages(ALICE.id, (texts) => texts[0] === 'Answered by a worker.');
      // Killed idle: a worker killed mid-turn would hold the session's lock until it expires (30 s).
      await until('the turn finished and its session lock released', () => idle(db.url));

      process.kill(workers[0], 'SIGKILL');
      const restarted = await until('the killed worker replaced', () => {
        const now = childPids(gateway.child.pid!);
        return now.length === 2 && !now.includes(workers[0]) ? now : undefined;
      });
      await until('two workers ready again', () => readyWorkers(gateway.url).then((running) => (running === 2 ? running : undefined)));

      harness.llm.enqueue({ text: 'Still answering.' });
      expect(await harness.post(gateway, harness.telegram.build.privateText('Still there?', { from: ALICE }))).toBe(200);
      await harness.waitForMessages(ALICE.id, (texts) => texts[1] === 'Still answering.');
      expect(harness.telegram.messagesIn(ALICE.id)).toHaveLength(2);

      const exit = await gateway.stop('SIGTERM');
      expect(exit.code).toBe(0);
      await until('the workers stopped', () => (restarted.every((pid) => !isAlive(pid)) ? true : undefined), 10_000);
    } finally {
      await db.drop();
    }
  });

  it('takes its workers down with it when it is killed', async () => {
    const db = await createTestDatabase();
    try {
      const gateway = await harness.gateway(harness.env({ DATABASE_URL: db.url, REDIS_URL, QUEUE_WORKER_PROCESSES: '1' }));
      const [worker] = await until('a worker', () => {
        const pids = childPids(gateway.child.pid!);
        return pids.length === 1 ? pids : undefined;
      });
      await gateway.stop('SIGKILL');
      await until('the orphaned worker stopped', () => (isAlive(worker) ? undefined : true), 15_000);
    } finally {
      await db.drop();
    }
  });

  it('refuses worker processes without Redis, naming the setting', async () => {
    const result = await run([CLI, 'gateway'], harness.env({ QUEUE_WORKER_PROCESSES: '2' }));
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('QUEUE_WORKER_PROCESSES (queue.workerProcesses): needs REDIS_URL');
  });
});
