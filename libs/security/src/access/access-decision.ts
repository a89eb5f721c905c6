import type { PairingReplyReason } from '../pairing/use-cases/request-pairing/request-pairing.use-case';

export type AllowReason = 'allow_all_users' | 'admin' | 'allowlisted' | 'dm_open' | 'group_allowed';
export type IgnoreReason = 'group_not_allowed' | 'not_addressed' | 'dm_disabled' | 'not_allowlisted';

/**
 * What to do with an inbound message. `reason` is a short machine word for logs and metrics;
 * `reply`, when set, is the text to send back to the chat (callers may test it on any decision).
 * - allow: hand the message on.
 * - ignore: drop it without a word (telling strangers the bot exists helps nobody).
 * - pairing: send `reply` to the unknown user; it may hold a pairing code, so never log it.
 * - rate_limited: drop the message; send `reply` when present (only the first refusal of a window has one).
 */
export type AccessDecision =
  | { kind: 'allow'; reason: AllowReason; reply?: undefined }
  | { kind: 'ignore'; reason: IgnoreReason; reply?: undefined }
  | { kind: 'pairing'; reason: PairingReplyReason; reply: string }
  | { kind: 'rate_limited'; reason: 'rate_limited'; retryAfterMs: number; reply?: string };
