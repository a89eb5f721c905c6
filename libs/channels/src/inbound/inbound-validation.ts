import { z } from 'zod';
import type { InboundMessage } from '@switchboard/core';

// PostgreSQL keeps no NUL in text or jsonb, so a string with one could never be stored.
const text = (max: number) => z.string().max(max).refine((value) => !value.includes('\u0000'), 'contains a NUL character');
const id = text(256).min(1);
// Dates PostgreSQL and JSON both carry: from 1970 to 9999.
const date = z.date().refine((value) => {
  const time = value.getTime();
  return Number.isFinite(time) && time >= 0 && time < Date.UTC(10_000, 0, 1);
}, 'not a date between 1970 and 9999');

const inboundMessageSchema = z.object({
  platform: id,
  accountId: id,
  chatId: id,
  threadId: id.optional(),
  chatType: z.enum(['dm', 'group', 'thread']),
  platformMessageId: id,
  sender: z.object({ id, displayName: text(1_000).optional(), username: text(256).optional() }),
  // Far above any platform's limit (Telegram: 4096), far below what would hurt to store.
  text: text(100_000),
  attachments: z
    .array(
      z.object({
        kind: z.enum(['image', 'file', 'audio', 'voice', 'video']),
        platformFileId: id,
        fileName: text(1_000).optional(),
        mimeType: text(256).optional(),
        sizeBytes: z.number().int().nonnegative().optional(),
      }),
    )
    .max(100),
  mentionsBot: z.boolean(),
  repliesToBot: z.boolean(),
  replyToMessageId: id.optional(),
  receivedAt: date,
});

/**
 * Why a mapped message can never be stored (a field of the wrong type, a date that is no date, a
 * NUL character, ...), or undefined when it can. Such input is acknowledged and dropped, not
 * refused: the platform would deliver it again for ever.
 */
export function whyUnstorable(message: InboundMessage): string | undefined {
  const result = inboundMessageSchema.safeParse(message);
  if (result.success) return undefined;
  return result.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || 'message'}: ${issue.message}`)
    .join('; ');
}
