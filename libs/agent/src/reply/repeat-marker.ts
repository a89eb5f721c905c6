import { ErrorCode, isDomainError } from '@switchboard/core';

/**
 * Opens a part sent again after a send whose outcome is unknown (the process died before the
 * platform's answer was recorded, or the call failed without a clear answer): the chat may show
 * the part twice, and this tells the user the second copy is a repeat.
 */
export const REPEAT_MARKER = '↻ (sent again) ';

/** The text a part shows on the platform. */
export function shownText(text: string, repeated: boolean): string {
  return repeated ? REPEAT_MARKER + text : text;
}

/**
 * Whether a failed send certainly left nothing on the platform: it answered with a refusal
 * (rate limit, bad request, forbidden). A timeout, a lost connection or a server error may come
 * after the platform accepted the message.
 */
export function clearlyNotSent(error: unknown): boolean {
  return isDomainError(error) && error.code !== ErrorCode.TEMPORARY;
}
