import { DomainError, ErrorCode } from '@switchboard/core';

/** The `error` object of a failed Graph API answer. */
export interface GraphErrorBody {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  error_data?: { details?: string };
}

/** 131047: the user last wrote more than 24 hours ago, so only a template message may reach them. */
export const REENGAGEMENT_REQUIRED = 131047;

// Meta sends no Retry-After: the waits follow what its error reference says of each limit.
const RATE_LIMIT_RETRY_MS = new Map<number, number>([
  // Cloud API throughput (messages per second of the phone number).
  [130429, 1_000],
  // Pair rate limit: about one message every six seconds to the same user.
  [131056, 6_000],
  // App (4), WhatsApp Business Account (80007) and spam (131048) limits count over an hour.
  [4, 60_000],
  [80007, 60_000],
  [131048, 60_000],
]);
const DEFAULT_RATE_LIMIT_RETRY_MS = 60_000;

// 0 and 190: the access token is invalid or expired; 3, 10 and 200-299: the app lacks a permission; 131005: access denied.
const AUTH_CODES = new Set([0, 3, 10, 190, 131005]);
// 1, 2: unknown error / service unavailable; 131000: something went wrong; 131016, 133004: service overloaded.
const TEMPORARY_CODES = new Set([1, 2, 131000, 131016, 133004]);
// 100: invalid parameter; 131008: parameter missing; 131009: parameter value invalid; 131051: unsupported type.
const INVALID_INPUT_CODES = new Set([100, 131008, 131009, 131051]);

// What the operator can do about a code: the log line says it.
const HINTS = new Map<number, string>([
  [
    REENGAGEMENT_REQUIRED,
    'the user last wrote more than 24 hours ago, and WhatsApp delivers free-form messages only within 24 hours of the user\'s last message; the user sees nothing until they write again (only an approved template could reach them)',
  ],
  [131030, 'the recipient is not in the allowed list of the test number (WhatsApp → API Setup → To)'],
  [190, 'WHATSAPP_ACCESS_TOKEN has expired or was revoked: use a System User\'s permanent token'],
]);

/**
 * A Graph API answer with a non-2xx status, as a DomainError the worker decides retries from:
 * rate limits (HTTP 429 or Meta's limit codes) → RATE_LIMITED with a wait, 5xx → TEMPORARY, the
 * 24-hour customer-service window (131047) and the rest → PERMANENT.
 */
export function graphError(call: string, status: number, error: GraphErrorBody | undefined, retryAfterSeconds?: number): DomainError {
  const code = error?.code;
  const hint = code === undefined ? undefined : HINTS.get(code);
  const vendor = error ? ` ${code ?? ''} ${error.message ?? ''}${error.error_data?.details ? ` (${error.error_data.details})` : ''}` : '';
  const message = `WhatsApp ${call} failed: HTTP ${status}${vendor}${hint ? `: ${hint}` : ''}`.replace(/\s+/g, ' ').trim();
  const errorCode = codeFor(status, code);
  const retryAfterMs =
    errorCode === ErrorCode.RATE_LIMITED
      ? retryAfterSeconds !== undefined
        ? retryAfterSeconds * 1000
        : (RATE_LIMIT_RETRY_MS.get(code ?? -1) ?? DEFAULT_RATE_LIMIT_RETRY_MS)
      : undefined;
  // The Graph error stays the cause, for callers that act on a particular code (graphErrorCode).
  return new DomainError(errorCode, message, { retryAfterMs, cause: error });
}

/** The Graph API error code behind a DomainError made by graphError, if any. */
export function graphErrorCode(error: unknown): number | undefined {
  const cause = error instanceof DomainError ? (error.cause as GraphErrorBody | undefined) : undefined;
  return typeof cause?.code === 'number' ? cause.code : undefined;
}

/** A call that got no answer (refused, reset, timed out): worth another try later. */
export function graphUnreachable(call: string, error: unknown): DomainError {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return new DomainError(ErrorCode.TEMPORARY, `WhatsApp ${call} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause: error });
}

function codeFor(status: number, code: number | undefined): ErrorCode {
  if (status === 429 || (code !== undefined && RATE_LIMIT_RETRY_MS.has(code))) return ErrorCode.RATE_LIMITED;
  if (status >= 500 || (code !== undefined && TEMPORARY_CODES.has(code))) return ErrorCode.TEMPORARY;
  if (status === 401 || (code !== undefined && (AUTH_CODES.has(code) || (code >= 200 && code <= 299)))) return ErrorCode.AUTH_FAILED;
  if (code !== undefined && INVALID_INPUT_CODES.has(code)) return ErrorCode.INVALID_INPUT;
  // 131047 (outside the 24-hour window), 131026 (undeliverable), 131030 (not an allowed test recipient), ...
  return ErrorCode.PERMANENT;
}
