import { describe, expect, it } from 'vitest';
import { nextRunAfter, whyInvalidSchedule } from './cron-schedule';

const next = (expression: string, timeZone: string, after: string) => nextRunAfter({ expression, timeZone }, new Date(after)).toISOString();

describe('nextRunAfter', () => {
  it('reads the expression in the schedule’s time zone', () => {
    expect(next('0 9 * * *', 'Europe/Berlin', '2026-01-10T12:00:00Z')).toBe('2026-01-11T08:00:00.000Z');
    expect(next('0 9 * * *', 'Asia/Tokyo', '2026-01-10T12:00:00Z')).toBe('2026-01-11T00:00:00.000Z');
    expect(next('0 9 * * *', 'UTC', '2026-01-10T12:00:00Z')).toBe('2026-01-11T09:00:00.000Z');
  });

  it('follows daylight saving time: 9:00 in New York is 14:00 UTC in winter and 13:00 UTC in summer', () => {
    expect(next('0 9 * * *', 'America/New_York', '2026-03-07T00:00:00Z')).toBe('2026-03-07T14:00:00.000Z');
    expect(next('0 9 * * *', 'America/New_York', '2026-03-08T00:00:00Z')).toBe('2026-03-08T13:00:00.000Z');
  });

  it('runs a time skipped by the spring change at the first instant after the gap', () => {
    // 02:00 does not exist in Berlin on 29 March 2026: the clocks go from 02:00 CET to 03:00 CEST.
    expect(next('0 2 * * *', 'Europe/Berlin', '2026-03-28T12:00:00Z')).toBe('2026-03-29T01:00:00.000Z');
  });

  it('runs a time repeated by the autumn change once', () => {
    // 02:30 happens twice in Berlin on 25 October 2026 (00:30 and 01:30 UTC): the second is skipped.
    expect(next('30 2 * * *', 'Europe/Berlin', '2026-10-25T00:00:00Z')).toBe('2026-10-25T00:30:00.000Z');
    expect(next('30 2 * * *', 'Europe/Berlin', '2026-10-25T00:30:00Z')).toBe('2026-10-26T01:30:00.000Z');
  });

  it('takes six fields with seconds first, and the tick after is strictly later', () => {
    expect(next('*/2 * * * * *', 'UTC', '2026-03-08T00:00:00.500Z')).toBe('2026-03-08T00:00:02.000Z');
    expect(next('*/2 * * * * *', 'UTC', '2026-03-08T00:00:02.000Z')).toBe('2026-03-08T00:00:04.000Z');
  });
});

describe('whyInvalidSchedule', () => {
  it('accepts five and six fields in an IANA zone', () => {
    expect(whyInvalidSchedule({ expression: '0 9 * * 1-5', timeZone: 'Europe/Berlin' })).toBeUndefined();
    expect(whyInvalidSchedule({ expression: '*/10 * * * * *', timeZone: 'UTC' })).toBeUndefined();
  });

  it('names the zone that does not exist', () => {
    expect(whyInvalidSchedule({ expression: '0 9 * * *', timeZone: 'Mars/Olympus' })).toContain('unknown time zone "Mars/Olympus"');
  });

  it('names the field count, and the field out of range', () => {
    expect(whyInvalidSchedule({ expression: '0 9 * *', timeZone: 'UTC' })).toContain('has 4 field(s)');
    expect(whyInvalidSchedule({ expression: '61 9 * * *', timeZone: 'UTC' })).toMatch(/"61 9 \* \* \*" is invalid: .*61/);
  });
});
