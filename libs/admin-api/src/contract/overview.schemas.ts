import { z } from 'zod';
import { isoDate } from './common.schemas';

export const overviewResponse = z.object({
  /** Inbound messages per minute for the last 60 minutes, one series per platform (zeros included). */
  messagesPerMinute: z.array(z.object({ platform: z.string(), points: z.array(z.object({ minute: isoDate, count: z.number().int() })) })),
  queue: z.object({ waiting: z.number().int(), active: z.number().int(), delayed: z.number().int(), failed: z.number().int() }),
  /** Turns of the last hour that failed, of those that finished. */
  errorRate: z.object({ finished: z.number().int(), failed: z.number().int(), rate: z.number() }),
  /** Sessions with activity in the last hour. */
  activeSessions: z.number().int(),
  generatedAt: isoDate,
});
export type OverviewResponse = z.infer<typeof overviewResponse>;
