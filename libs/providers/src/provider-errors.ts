import { DomainError, ErrorCode, isDomainError } from '@switchboard/core';

export interface HttpFailure {
  status: number;
  headers?: Headers;
}

/** The HTTP failure an SDK's error reports, or undefined when it is not one. */
export type HttpFailureReader = (error: unknown) => HttpFailure | undefined;

/**
 * Maps what a provider SDK threw to the shared error codes. `source` ("anthropic:claude-x")
 * starts the message so an operator sees which model failed; `readFailure` is the provider's
 * reader for its SDK's HTTP errors (this module imports no SDK, so none is loaded unused).
 */
export function toDomainError(error: unknown, source: string, readFailure?: HttpFailureReader): DomainError {
  if (isDomainError(error)) return error;
  const message = `${source}: ${error instanceof Error ? error.message : String(error)}`;
  const failure = readFailure?.(error);
  // No HTTP status: aborted, timed out, connection failed or the stream broke. Trying again may work.
  if (!failure) return new DomainError(ErrorCode.TEMPORARY, message, { cause: error });
  const code = codeForStatus(failure.status);
  const retryAfter = code === ErrorCode.RATE_LIMITED ? retryAfterMs(failure.headers) : undefined;
  return new DomainError(code, message, { cause: error, retryAfterMs: retryAfter });
}

export function codeForStatus(status: number): ErrorCode {
  if (status === 429) return ErrorCode.RATE_LIMITED;
  if (status === 401 || status === 403) return ErrorCode.AUTH_FAILED;
  if (status === 408 || status === 409 || status >= 500) return ErrorCode.TEMPORARY;
  if (status === 400 || status === 413 || status === 422) return ErrorCode.INVALID_INPUT;
  // Any other 4xx (unknown model, payment required, ...): the same request fails again.
  return ErrorCode.PERMANENT;
}

/**
 * How long a 429 asks to wait: `retry-after-ms` (OpenAI), else `retry-after` in seconds or as
 * an HTTP date. Undefined when the response does not say.
 */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const milliseconds = Number(headers?.get('retry-after-ms') || Number.NaN);
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return Math.ceil(milliseconds);
  const value = headers?.get('retry-after')?.trim();
  if (!value) return undefined;
  const seconds = Number(value);
  if (!Number.isNaN(seconds)) return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds * 1000) : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The reader for SDKs whose APIError class carries `status` and `headers` (OpenAI's, Anthropic's). */
export function apiErrorReader(
  apiError: abstract new (...args: never[]) => { readonly status: number | undefined; readonly headers: Headers | undefined },
): HttpFailureReader {
  return (error) => (error instanceof apiError && error.status !== undefined ? { status: error.status, headers: error.headers } : undefined);
}
