import { DomainError, ErrorCode } from '@switchboard/core';

/** errcodes of an access token WeCom no longer takes: fetch a new one and call again. */
export const TOKEN_REJECTED = new Set([40014, 42001]);

/**
 * The wait asked for after a rate-limit errcode. WeCom names none, and its limits count calls over
 * minutes and hours, so no fixed wait is right: this is the first retry's, and the queue's backoff
 * (doubling per attempt) spaces the later ones.
 */
const RATE_LIMIT_RETRY_MS = 2_000;

/** A WeCom answer with a non-zero errcode, as a DomainError the worker decides retries from. */
export function wecomError(call: string, errcode: number, errmsg: string): DomainError {
  const message = `WeCom ${call} failed: ${errcode} ${errmsg}`;
  const code = codeFor(errcode);
  const hint = errcode === 60020 ? ' (add this server\'s address to the app\'s trusted IPs)' : '';
  return new DomainError(code, message + hint, { retryAfterMs: code === ErrorCode.RATE_LIMITED ? RATE_LIMIT_RETRY_MS : undefined });
}

/** A call that got no WeCom answer (refused, timed out, not JSON): worth another try later. */
export function unreachable(call: string, error: unknown): DomainError {
  return new DomainError(ErrorCode.TEMPORARY, `WeCom ${call} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}

function codeFor(errcode: number): ErrorCode {
  // 45009 API frequency, 45011 API minute frequency, 45033 concurrent calls.
  if (errcode === 45009 || errcode === 45011 || errcode === 45033) return ErrorCode.RATE_LIMITED;
  // -1: "system busy, try again".
  if (errcode === -1) return ErrorCode.TEMPORARY;
  // 40001 secret, 40013 corp id, 40014/42001 token, 40056/40057 agent id, 48002 API not allowed,
  // 60020 not a trusted IP, 301002 no permission for the app: the credentials or the setup are wrong.
  if ([40001, 40013, 40014, 40056, 40057, 42001, 48002, 60020, 301002].includes(errcode)) return ErrorCode.AUTH_FAILED;
  // 44004 empty text, 45002 content too long, 40008 bad message type.
  if ([44004, 45002, 40008].includes(errcode)) return ErrorCode.INVALID_INPUT;
  // The rest (40003/81013 no such user, ...) will not succeed on a retry.
  return ErrorCode.PERMANENT;
}
