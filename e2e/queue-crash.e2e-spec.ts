import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from './support/gateway-process';
import { REDIS_URL, createTestDatabase } from './support/postgres';

const WORKER = path.join(ROOT, 'e2e/fixtures/queue-worker.js');
const JOBS = 20;

function startWorker(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  let output = '';
  const child = spawn(process.execPath, [WORKER], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

function finishedIds(file: string): string[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Enqueue 20 slow jobs, kill -9 the process while some run and most wait, start it again:
 * every accepted job must finish (those cut off mid-run may finish twice: at least once).
 */
async function crashAndRecover(env: Record<string, string>): Promise<void> {
  const results = path.join(tempDir('crash'), 'done.txt');
  const common = { ...env, RESULTS: results, JOB_NAME: `crash.${randomUUID().slice(0, 8)}`, JOB_MS: '150' };

  const first = startWorker({ ...common, ENQUEUE: String(JOBS) });
  await waitFor(() => first.output().includes('enqueued'), 'the jobs to be accepted');
  await waitFor(() => finishedIds(results).length >= 2, 'a few jobs to finish');
  first.child.kill('SIGKILL');
  await new Promise((resolve) => first.child.on('exit', resolve));
  const beforeCrash = new Set(finishedIds(results));
  expect(beforeCrash.size).toBeLessThan(JOBS);

  const second = startWorker(common);
  try {
    await waitFor(() => new Set(finishedIds(results)).size === JOBS, `all ${JOBS} jobs (${second.output()})`);
  } finally {
    second.child.kill('SIGKILL');
  }
  const all = finishedIds(results);
  expect(new Set(all)).toEqual(new Set(Array.from({ length: JOBS }, (_, i) => `job-${i}`)));
  // Only jobs that were running at the kill (concurrency 2) may have run twice.
  expect(all.length - JOBS).toBeLessThanOrEqual(2);
}

describe('a killed process loses no accepted job', () => {
  it('in-process driver on embedded PGlite', async () => {
    await crashAndRecover({ QUEUE_MODE: 'in-process', DATA_DIR: tempDir('crash-pglite') });
  });

  it('in-process driver on PostgreSQL', async () => {
    const db = await createTestDatabase();
    try {
      await crashAndRecover({ QUEUE_MODE: 'in-process', DATABASE_URL: db.url });
    } finally {
      await db.drop();
    }
  });

  it('BullMQ driver on Redis', async () => {
    await crashAndRecover({ QUEUE_MODE: 'bullmq', REDIS_URL });
  });
});
