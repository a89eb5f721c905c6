import { ErrorCode, backoffDelayMs, isDomainError } from '@switchboard/core';

const MAX_BACKOFF_MS = 10 * 60_000;

/**
 * Whether a failed job should be tried again. DomainErrors say so through their code; anything
 * else (a bug, a dropped connection) is treated as temporary.
 */
export function isRetryable(error: unknown): boolean {
  return isDomainError(error) ? error.retryable : true;
}

/**
 * Delay before the next attempt after `attemptsMade` failures: base × 2^(n-1), with jitter so
 * that jobs failing together do not retry together, capped at 10 minutes. A RATE_LIMITED error's
 * retryAfterMs is a floor.
 */
export function retryDelayMs(attemptsMade: number, baseMs: number, error: unknown, random = Math.random): number {
  const jittered = backoffDelayMs(attemptsMade, baseMs, MAX_BACKOFF_MS, random);
  const floor = isDomainError(error) && error.code === ErrorCode.RATE_LIMITED ? (error.retryAfterMs ?? 0) : 0;
  return Math.max(jittered, floor);
}

export function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 2000);
  return String(error).slice(0, 2000);
}
