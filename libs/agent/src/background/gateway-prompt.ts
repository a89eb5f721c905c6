import type { StoredInbound } from '@switchboard/persistence';

/**
 * The platform message ids of prompts the gateway stores itself (a background task, a scheduled
 * prompt) start with this. They are unique, so storing one again is a no-op, and the platform has
 * no such message: an answer replies to none.
 */
export const GATEWAY_PROMPT_ID_PREFIX = 'switchboard:';

/** The platform message an answer to `inbound` replies to, if any. */
export function replyAnchor(inbound: StoredInbound): string | undefined {
  const id = inbound.platformMessageId;
  return id && !id.startsWith(GATEWAY_PROMPT_ID_PREFIX) ? id : undefined;
}
