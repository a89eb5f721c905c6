import { DomainError, ErrorCode, isDomainError } from '@switchboard/core';

/**
 * What DingTalk answered to a call that failed: the OpenAPI (api.dingtalk.com) answers a non-2xx
 * status with `{code, message}`; session webhooks and the oapi server answer 200 with `{errcode, errmsg}`.
 */
export class DingTalkApiError extends Error {
  constructor(
    readonly operation: string,
    readonly status: number,
    /** `code` (OpenAPI, a string) or `errcode` (session webhook, a number). */
    readonly vendorCode: string | number | undefined,
    readonly vendorMessage: string,
    /** From a `Retry-After` header, when DingTalk sent one. */
    readonly retryAfterMs?: number,
  ) {
    super(`DingTalk ${operation} failed: ${status} ${vendorCode ?? ''} ${vendorMessage}`.replace(/\s+/g, ' ').trim());
    this.name = 'DingTalkApiError';
  }
}

// Limits counted per minute: a robot's 20 messages on a session webhook (130101), and the oapi
// server's calls of one API (90005 per organisation, 90006 per app).
const PER_MINUTE_LIMIT_CODES = new Set<string | number>([130101, 90005, 90006]);
// Flow control: the OpenAPI's QPS limits, the oapi server's (90018: 40 calls a second), and the
// per-minute ones.
const RATE_LIMIT_CODES = new Set<string | number>([
  'Forbidden.AccessDenied.QpsLimitForApi',
  'Forbidden.AccessDenied.QpsLimitForAppkeyAndApi',
  'Forbidden.AccessDenied.QpsLimitForAppkey',
  'Throttling',
  90018,
  ...PER_MINUTE_LIMIT_CODES,
]);
// The access token is unknown or expired: fetch another and try once more.
const TOKEN_EXPIRED_CODES = new Set<string | number>(['InvalidAuthentication', 40001, 40014, 42001]);
// Credentials the platform does not accept (getting a token).
const BAD_CREDENTIAL_CODES = new Set<string | number>(['invalidClientIdOrSecret', 'InvalidClientIdOrSecret', 40089, 40087]);

/** A QPS limit is per second; the per-minute limits ask for a longer wait. */
const QPS_RETRY_AFTER_MS = 1_000;
const PER_MINUTE_RETRY_AFTER_MS = 60_000;

export function isTokenExpired(error: unknown): boolean {
  return error instanceof DingTalkApiError && (error.status === 401 || TOKEN_EXPIRED_CODES.has(error.vendorCode ?? ''));
}

/** Maps a failed DingTalk call to the shared code set; network failures (outcome unknown) are TEMPORARY. */
export function toDomainError(operation: string, error: unknown): DomainError {
  if (isDomainError(error)) return error;
  if (!(error instanceof DingTalkApiError)) {
    return new DomainError(ErrorCode.TEMPORARY, `DingTalk ${operation} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const code = codeFor(error);
  const retryAfterMs =
    code === ErrorCode.RATE_LIMITED ? (error.retryAfterMs ?? (PER_MINUTE_LIMIT_CODES.has(error.vendorCode ?? '') ? PER_MINUTE_RETRY_AFTER_MS : QPS_RETRY_AFTER_MS)) : undefined;
  return new DomainError(code, error.message, { cause: error, retryAfterMs });
}

function codeFor(error: DingTalkApiError): ErrorCode {
  const vendorCode = error.vendorCode ?? '';
  if (error.status === 429 || RATE_LIMIT_CODES.has(vendorCode)) return ErrorCode.RATE_LIMITED;
  if (isTokenExpired(error) || BAD_CREDENTIAL_CODES.has(vendorCode)) return ErrorCode.AUTH_FAILED;
  if (error.status >= 500) return ErrorCode.TEMPORARY;
  if (error.status === 400) return ErrorCode.INVALID_INPUT;
  // 403 (a permission the app lacks, a user outside its visible range) and the rest do not pass on a retry.
  return ErrorCode.PERMANENT;
}
