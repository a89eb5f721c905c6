import { setTimeout as sleep } from 'node:timers/promises';
import { DomainError, ErrorCode, isDomainError } from '@switchboard/core';
import { GrammyError, HttpError } from 'grammy';

/** A 429 asking to wait this long or less is waited out once inside the adapter; longer ones go to the caller. */
export const MAX_INLINE_RETRY_AFTER_S = 5;

/**
 * Runs one Bot API call, retrying it once after a short 429, and throws DomainErrors. `request`
 * builds the call afresh each time because an uploaded file's stream can be read only once.
 */
export async function callTelegram<T>(method: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    const retryAfter = error instanceof GrammyError && error.error_code === 429 ? error.parameters.retry_after : undefined;
    if (retryAfter === undefined || retryAfter > MAX_INLINE_RETRY_AFTER_S) throw toDomainError(method, error);
    await sleep(retryAfter * 1000);
    try {
      return await request();
    } catch (again) {
      throw toDomainError(method, again);
    }
  }
}

export function toDomainError(method: string, error: unknown): DomainError {
  if (isDomainError(error)) return error;
  if (error instanceof GrammyError) {
    const message = `Telegram ${method} failed: ${error.error_code} ${error.description}`;
    const code = codeFor(error.error_code);
    const retryAfter = error.parameters.retry_after;
    return new DomainError(code, message, {
      cause: error,
      retryAfterMs: code === ErrorCode.RATE_LIMITED && retryAfter !== undefined ? retryAfter * 1000 : undefined,
    });
  }
  // HttpError covers refused connections, timeouts and bodies that are not JSON (a proxy's 502 page).
  const reason = error instanceof HttpError ? error.message : String(error);
  return new DomainError(ErrorCode.TEMPORARY, `Telegram ${method} failed: ${reason}`, { cause: error });
}

function codeFor(status: number): ErrorCode {
  if (status === 429) return ErrorCode.RATE_LIMITED;
  // The Bot API answers 404 to a token it cannot parse and 401 to one it does not know.
  if (status === 401 || status === 404) return ErrorCode.AUTH_FAILED;
  if (status === 400) return ErrorCode.INVALID_INPUT;
  if (status >= 500) return ErrorCode.TEMPORARY;
  // 403 (blocked by the user, kicked from the group) and the rest will not succeed on a retry.
  return ErrorCode.PERMANENT;
}

/** Telegram refuses an edit that changes nothing; for a streamed reply that is success. */
export function isNotModified(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 400 && error.description.includes('message is not modified');
}
