import { DomainError, ErrorCode, isDomainError } from '@switchboard/core';
import { DiscordAPIError, DiscordjsError, DiscordjsErrorCodes, HTTPError, RateLimitError, type RateLimitData } from 'discord.js';

/**
 * A rate limit asking to wait this long or less is waited out inside discord.js's REST client,
 * which knows each route's bucket (X-RateLimit-*) and keeps the calls of one channel in order;
 * a longer one is thrown as RATE_LIMITED so the gateway's own retry policy waits, not a worker.
 */
export const MAX_INLINE_RATE_LIMIT_MS = 5_000;

/** REST's `rejectOnRateLimit`: true makes it throw a RateLimitError instead of waiting. */
export function rejectLongRateLimit(limit: RateLimitData): boolean {
  return limit.retryAfter > MAX_INLINE_RATE_LIMIT_MS;
}

/** Runs one REST call and throws DomainErrors. */
export async function callDiscord<T>(operation: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw toDomainError(operation, error);
  }
}

export function toDomainError(operation: string, error: unknown): DomainError {
  if (isDomainError(error)) return error;
  if (error instanceof RateLimitError) {
    const scope = error.global ? 'global limit' : `bucket of ${error.method.toUpperCase()} ${error.route}`;
    return new DomainError(ErrorCode.RATE_LIMITED, `Discord ${operation} rate-limited (${scope}), retry in ${error.retryAfter} ms`, {
      cause: error,
      retryAfterMs: error.retryAfter,
    });
  }
  if (error instanceof DiscordAPIError) {
    // The message is Discord's ("Missing Permissions", "Cannot send messages to this user"); the URL holds no token.
    return new DomainError(codeFor(error.status), `Discord ${operation} failed: ${error.status} ${error.code} ${error.message}`, { cause: error });
  }
  if (error instanceof HTTPError) {
    return new DomainError(codeFor(error.status), `Discord ${operation} failed: HTTP ${error.status} ${error.message}`, { cause: error });
  }
  // Raised by login when GET /gateway/bot answers 401.
  if (error instanceof DiscordjsError && error.code === DiscordjsErrorCodes.TokenInvalid) {
    return new DomainError(ErrorCode.AUTH_FAILED, `Discord ${operation} failed: the bot token was refused`, { cause: error });
  }
  // No answer: refused connection, timeout (REST aborts after 15 s), reset.
  return new DomainError(ErrorCode.TEMPORARY, `Discord ${operation} failed: ${reasonOf(error)}`, { cause: error });
}

function codeFor(status: number): ErrorCode {
  if (status === 429) return ErrorCode.RATE_LIMITED;
  if (status === 401) return ErrorCode.AUTH_FAILED;
  if (status === 400) return ErrorCode.INVALID_INPUT;
  if (status >= 500) return ErrorCode.TEMPORARY;
  // 403 (missing permissions, a user who does not take DMs), 404 (a deleted channel): a retry will not change it.
  return ErrorCode.PERMANENT;
}

function reasonOf(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}
