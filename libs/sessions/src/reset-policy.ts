export type ResetMode = 'daily' | 'idle' | 'both' | 'never';

export interface ResetPolicy {
  mode: ResetMode;
  /** Hour of the daily reset, in the gateway's local time. */
  hour: number;
  idleMinutes: number;
}

/**
 * Whether a session last active at `lastActivityAt` starts afresh at `now`: "daily" after the most
 * recent reset hour passed since the last activity, "idle" after `idleMinutes` of silence.
 */
export function isDueForReset(policy: ResetPolicy, lastActivityAt: Date, now: Date): boolean {
  const daily = lastActivityAt < lastDailyBoundary(policy.hour, now);
  const idle = now.getTime() - lastActivityAt.getTime() > policy.idleMinutes * 60_000;
  switch (policy.mode) {
    case 'daily':
      return daily;
    case 'idle':
      return idle;
    case 'both':
      return daily || idle;
    case 'never':
      return false;
  }
}

/** The latest instant at or before `now` whose local hour is `hour` (minute 0). */
export function lastDailyBoundary(hour: number, now: Date): Date {
  const boundary = new Date(now);
  boundary.setHours(hour, 0, 0, 0);
  if (boundary > now) boundary.setDate(boundary.getDate() - 1);
  return boundary;
}
