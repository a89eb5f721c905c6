import { describe, expect, it } from 'vitest';
import { isDueForReset, lastDailyBoundary } from './reset-policy';

const at = (hhmm: string, day = 21) => new Date(2026, 10, day, Number(hhmm.slice(0, 2)), Number(hhmm.slice(3)));

describe('session reset policies', () => {
  it('finds the latest daily boundary at or before now', () => {
    expect(lastDailyBoundary(4, at('10:00'))).toEqual(at('04:00'));
    expect(lastDailyBoundary(4, at('03:59'))).toEqual(at('04:00', 20));
    expect(lastDailyBoundary(4, at('04:00'))).toEqual(at('04:00'));
  });

  it('resets daily once the reset hour passed since the last activity', () => {
    const daily = { mode: 'daily' as const, hour: 4, idleMinutes: 1440 };
    expect(isDueForReset(daily, at('03:30'), at('04:30'))).toBe(true);
    expect(isDueForReset(daily, at('04:10'), at('23:50'))).toBe(false);
    expect(isDueForReset(daily, at('23:00', 20), at('03:00'))).toBe(false);
  });

  it('resets after the idle time, and with "both" on either condition', () => {
    const idle = { mode: 'idle' as const, hour: 4, idleMinutes: 30 };
    expect(isDueForReset(idle, at('10:00'), at('10:29'))).toBe(false);
    expect(isDueForReset(idle, at('10:00'), at('10:31'))).toBe(true);
    const both = { mode: 'both' as const, hour: 4, idleMinutes: 600 };
    expect(isDueForReset(both, at('03:50'), at('04:05'))).toBe(true);
    expect(isDueForReset(both, at('05:00'), at('15:01'))).toBe(true);
    expect(isDueForReset(both, at('05:00'), at('06:00'))).toBe(false);
  });

  it('never resets with "never"', () => {
    expect(isDueForReset({ mode: 'never', hour: 4, idleMinutes: 1 }, at('00:00', 1), at('12:00'))).toBe(false);
  });
});
