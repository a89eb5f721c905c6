import { setTimeout as sleep } from 'node:timers/promises';
import { DomainError, ErrorCode, backoffDelayMs } from '@switchboard/core';

/** The queue's store did not answer in time (Redis down): an outage, retryable. */
export class QueueUnavailableError extends DomainError {
  constructor(message: string) {
    super(ErrorCode.TEMPORARY, message);
  }
}

/**
 * Whether an error says that a store the gateway depends on (PostgreSQL, Redis) could not be
 * reached, rather than anything about the work itself. Such a failure is no attempt against a
 * message: the work waits and runs again once the store is back, however long that takes.
 * Recognised through the error and its causes: socket errors, PostgreSQL's connection and
 * shutdown codes, Prisma's "can't reach" codes, and the connection errors of pg and ioredis.
 */
export function isOutage(error: unknown): boolean {
  for (const candidate of causesOf(error)) {
    if (candidate instanceof QueueUnavailableError) return true;
    if (typeof candidate !== 'object' || candidate === null) continue;
    const { code, message, name } = candidate as { code?: unknown; message?: unknown; name?: unknown };
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || PRISMA_UNREACHABLE.has(code) || isPostgresUnavailable(code))) return true;
    if (typeof name === 'string' && name === 'MaxRetriesPerRequestError') return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))) return true;
    if (driverAdapterCause(candidate).some((cause) => isOutage(cause))) return true;
  }
  return false;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTCONN']);

// P1001 can't reach, P1002 timed out reaching, P1008 operation timed out, P1017 server closed the
// connection, P2024 timed out waiting for a pooled connection.
const PRISMA_UNREACHABLE = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);

// Class 08: connection exceptions; 57P01–57P03: shut down (admin, crash) or not accepting
// connections yet; 53300: too many connections.
function isPostgresUnavailable(code: string): boolean {
  return /^08[0-9A-Z]{3}$/.test(code) || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300';
}

const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/, // pg: the server went away mid-query or while connecting
  /connection error and is not queryable/, // pg: a client whose connection broke
  /timeout exceeded when trying to connect/, // pg-pool
  /^Connection is closed\.?$/, // ioredis
  /DatabaseNotReachable|ConnectionClosed|SocketTimeout/, // Prisma driver adapter kinds, as text
];

/** The error, its `cause` chain and the members of an AggregateError (several addresses refused). */
function causesOf(error: unknown): unknown[] {
  const found: unknown[] = [];
  const visit = (value: unknown) => {
    if (found.length > 20 || found.includes(value)) return;
    found.push(value);
    if (value instanceof AggregateError) value.errors.forEach(visit);
    if (value instanceof Error && value.cause !== undefined) visit(value.cause);
  };
  visit(error);
  return found;
}

/** Prisma keeps the driver adapter's error in `meta.driverAdapterError.cause` ({ kind, code }). */
function driverAdapterCause(error: object): unknown[] {
  const cause = (error as { meta?: { driverAdapterError?: { cause?: { kind?: unknown; code?: unknown } } } }).meta?.driverAdapterError?.cause;
  if (!cause) return [];
  return [{ code: cause.code, message: typeof cause.kind === 'string' ? cause.kind : undefined }];
}

const OUTAGE_FIRST_DELAY_MS = 500;
/** Work waiting out an outage tries again at least this often, so it resumes soon after. */
export const OUTAGE_MAX_DELAY_MS = 10_000;

/** Delay before trying again after the `n`th failure in a row caused by an outage (n from 1): doubling, capped, jittered. */
export function outageDelayMs(n: number, random = Math.random): number {
  return backoffDelayMs(n, OUTAGE_FIRST_DELAY_MS, OUTAGE_MAX_DELAY_MS, random);
}

/**
 * Runs `work` until it succeeds or fails for another reason than an outage, waiting between tries.
 * For a step that records what a platform already did (a sent draft, a delivered part): redoing
 * the work later would do it on the platform twice, so it waits here instead.
 */
export async function retryDuringOutage<T>(work: () => Promise<T>, onWait?: (error: unknown, delayMs: number) => void): Promise<T> {
  for (let failures = 1; ; failures++) {
    try {
      return await work();
    } catch (error) {
      if (!isOutage(error)) throw error;
      const delay = outageDelayMs(failures);
      onWait?.(error, delay);
      await sleep(delay);
    }
  }
}
