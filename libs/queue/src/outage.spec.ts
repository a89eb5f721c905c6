import { Redis } from 'ioredis';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { DomainError, ErrorCode } from '@switchboard/core';
import { QueueUnavailableError, isOutage, outageDelayMs, retryDuringOutage } from './outage';

/** A port on 127.0.0.1 nothing listens on. */
const CLOSED = 'postgresql://postgres@127.0.0.1:1/none';

const failureOf = async (work: () => Promise<unknown>): Promise<unknown> => {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
};

describe('isOutage', () => {
  it('recognises PostgreSQL and Redis that cannot be reached', async () => {
    const pool = new pg.Pool({ connectionString: CLOSED });
    expect(isOutage(await failureOf(() => pool.query('SELECT 1')))).toBe(true);
    await pool.end();
    const redis = new Redis({ port: 1, maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
    redis.on('error', () => undefined);
    expect(isOutage(await failureOf(() => redis.connect()))).toBe(true);
    redis.disconnect();
  });

  it('recognises PostgreSQL shutting down, Prisma that cannot reach it, and the queue timing out, also as causes', () => {
    expect(isOutage(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    const prisma = Object.assign(new Error("Can't reach database server at 127.0.0.1:5432"), {
      code: 'P1001',
      meta: { driverAdapterError: { cause: { kind: 'DatabaseNotReachable' } } },
    });
    expect(isOutage(prisma)).toBe(true);
    const raw = Object.assign(new Error('Raw query failed'), { code: 'P2010', meta: { driverAdapterError: { cause: { code: '57P01' } } } });
    expect(isOutage(raw)).toBe(true);
    expect(isOutage(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isOutage(new QueueUnavailableError('Redis did not accept the job in time'))).toBe(true);
    expect(isOutage(new Error('the turn failed', { cause: prisma }))).toBe(true);
  });

  it('leaves out failures of the work itself', async () => {
    expect(isOutage(new DomainError(ErrorCode.TEMPORARY, 'the model is overloaded'))).toBe(false);
    expect(isOutage(new Error('always broken'))).toBe(false);
    expect(isOutage(Object.assign(new Error('syntax error at or near "SELEC"'), { code: '42601' }))).toBe(false);
    expect(isOutage(Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' }))).toBe(false);
    expect(isOutage(undefined)).toBe(false);
  });
});

describe('outage backoff', () => {
  it('doubles from half a second up to ten seconds, with jitter', () => {
    expect([1, 2, 3, 5, 10, 50].map((n) => outageDelayMs(n, () => 1))).toEqual([500, 1_000, 2_000, 8_000, 10_000, 10_000]);
    expect(outageDelayMs(1, () => 0)).toBe(250);
  });

  it('retryDuringOutage waits out an outage but not another failure', async () => {
    let calls = 0;
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(await retryDuringOutage(async () => (++calls < 3 ? Promise.reject(refused) : 'done'))).toBe('done');
    expect(calls).toBe(3);
    await expect(retryDuringOutage(async () => Promise.reject(new Error('broken')))).rejects.toThrow('broken');
  });
});
