import { parseExpression } from 'cron-parser';

/** A cron expression read in an IANA time zone: five fields (minute first) or six (second first). */
export interface CronSchedule {
  expression: string;
  timeZone: string;
}

/** Why the schedule cannot be used, naming the part at fault; undefined when it is valid. */
export function whyInvalidSchedule({ expression, timeZone }: CronSchedule): string | undefined {
  if (!isTimeZone(timeZone)) return `unknown time zone "${timeZone}" (expected an IANA name such as Europe/Berlin or UTC)`;
  const fields = expression.trim().split(/\s+/);
  // The parser reads four fields as five without a word; a typo must not become a schedule.
  if (fields.length !== 5 && fields.length !== 6) {
    return `cron expression "${expression}" has ${fields.length} field(s); expected 5 (minute hour day month weekday) or 6 (second first)`;
  }
  try {
    parseExpression(expression, { tz: timeZone }).next();
    return undefined;
  } catch (error) {
    return `cron expression "${expression}" is invalid: ${error instanceof Error ? error.message : error}`;
  }
}

/**
 * The first tick strictly after `after`. In a zone with daylight saving time, a time that does not
 * exist that day runs at the first instant after the gap, and a time that exists twice runs once.
 */
export function nextRunAfter({ expression, timeZone }: CronSchedule, after: Date): Date {
  return parseExpression(expression, { tz: timeZone, currentDate: after }).next().toDate();
}

function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z0-9_+\-/]+$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
