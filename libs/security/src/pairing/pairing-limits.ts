const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The rules of DM pairing; fixed on purpose (they are the security model, not a preference). */
export const PAIRING_LIMITS = {
  /** How long a code can be approved. */
  codeTtlMs: HOUR,
  /** Pending codes per platform at once. */
  maxPendingPerPlatform: 3,
  /** A user gets at most one new code in this time. */
  userCooldownMs: 10 * MINUTE,
  /** Failed approvals within `failureWindowMs` that lock approvals of the platform... */
  maxFailedApprovals: 5,
  failureWindowMs: HOUR,
  /** ...for this long. */
  lockMs: HOUR,
} as const;

/** "14:05 UTC": an unambiguous time of day for messages to users and operators. */
export function formatUtcTime(date: Date): string {
  return `${date.toISOString().slice(11, 16)} UTC`;
}
