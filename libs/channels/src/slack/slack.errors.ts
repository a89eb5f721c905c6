import { webApi } from '@slack/bolt';
import { DomainError, ErrorCode, isDomainError } from '@switchboard/core';

// Web API `error` strings (docs.slack.dev/reference/methods) the adapter sorts by what a retry can change.
const AUTH_ERRORS = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'no_permission', 'missing_scope']);
const TEMPORARY_ERRORS = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);
const INVALID_ERRORS = new Set(['msg_too_long', 'no_text', 'invalid_arguments', 'invalid_blocks', 'too_many_attachments']);
// A `ratelimited` error without a Retry-After header waits a second (limits are per minute, in bursts).
const DEFAULT_RETRY_AFTER_MS = 1_000;

/** Runs one Web API call and throws what it throws as a DomainError. */
export async function callSlack<T>(method: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw toDomainError(method, error);
  }
}

/**
 * The WebClient is built with `rejectRateLimitedCalls` and no retries, so every failure reaches
 * here once: a 429 as WebAPIRateLimitedError (Retry-After in seconds), another HTTP status as
 * WebAPIHTTPError, `{ok: false, error}` as WebAPIPlatformError, no answer as WebAPIRequestError.
 */
export function toDomainError(method: string, error: unknown): DomainError {
  if (isDomainError(error)) return error;
  if (error instanceof webApi.WebAPIRateLimitedError) {
    return new DomainError(ErrorCode.RATE_LIMITED, `Slack ${method} rate limited for ${error.retryAfter} s`, { cause: error, retryAfterMs: error.retryAfter * 1000 });
  }
  if (error instanceof webApi.WebAPIHTTPError) {
    const code = error.statusCode >= 500 ? ErrorCode.TEMPORARY : error.statusCode === 401 || error.statusCode === 403 ? ErrorCode.AUTH_FAILED : ErrorCode.PERMANENT;
    return new DomainError(code, `Slack ${method} failed: HTTP ${error.statusCode}`, { cause: error });
  }
  if (error instanceof webApi.WebAPIPlatformError) {
    const reason = error.data.error;
    const code = codeFor(reason);
    return new DomainError(code, `Slack ${method} failed: ${reason}`, { cause: error, retryAfterMs: code === ErrorCode.RATE_LIMITED ? DEFAULT_RETRY_AFTER_MS : undefined });
  }
  // WebAPIRequestError (refused, reset, timed out) and anything unexpected: only the message, never the request.
  const message = error instanceof webApi.WebAPIRequestError ? error.original.message : error instanceof Error ? error.message : String(error);
  return new DomainError(ErrorCode.TEMPORARY, `Slack ${method} failed: ${message}`, { cause: error });
}

function codeFor(reason: string): ErrorCode {
  if (reason === 'ratelimited' || reason === 'rate_limited') return ErrorCode.RATE_LIMITED;
  if (AUTH_ERRORS.has(reason)) return ErrorCode.AUTH_FAILED;
  if (TEMPORARY_ERRORS.has(reason)) return ErrorCode.TEMPORARY;
  if (INVALID_ERRORS.has(reason)) return ErrorCode.INVALID_INPUT;
  // channel_not_found, not_in_channel, is_archived, cant_update_message, ...: a retry will not change them.
  return ErrorCode.PERMANENT;
}
