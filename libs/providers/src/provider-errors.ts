import { APIError as AnthropicApiError } from '@anthropic-ai/sdk';
import { DomainError, ErrorCode, isDomainError } from '@switchboard/core';
import { APIError as OpenAiApiError } from 'openai';

interface HttpFailure {
  status: number;
  headers?: Headers;
}

/**
 * Maps what a provider SDK threw to the shared error codes. `source` ("anthropic:claude-x")
 * starts the message so an operator sees which model failed.
 */
export function toDomainError(error: unknown, source: string): DomainError {
  if (isDomainError(error)) return error;
  const message = `${source}: ${error instanceof Error ? error.message : String(error)}`;
  const failure = httpFailureOf(error);
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

function httpFailureOf(error: unknown): HttpFailure | undefined {
  if (error instanceof OpenAiApiError || error instanceof AnthropicApiError) {
    return error.status === undefined ? undefined : { status: error.status, headers: error.headers };
  }
  // The ollama package does not export its ResponseError class; it carries no headers.
  if (error instanceof Error && error.name === 'ResponseError' && 'status_code' in error) {
    return typeof error.status_code === 'number' ? { status: error.status_code } : undefined;
  }
  return undefined;
}
