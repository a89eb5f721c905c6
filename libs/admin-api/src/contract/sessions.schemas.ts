import { z } from 'zod';
import { cursorQuery, isoDate, keysetPageFields, limitQuery, platformId } from './common.schemas';

export const sessionSummary = z.object({
  id: z.string(),
  key: z.string(),
  platform: z.string(),
  accountId: z.string(),
  chatType: z.string(),
  chatId: z.string(),
  threadId: z.string().nullable(),
  createdAt: isoDate,
  lastActivityAt: isoDate,
  resetAt: isoDate.nullable(),
});
export type SessionSummary = z.infer<typeof sessionSummary>;

export const sessionSearchQuery = z.object({
  platform: platformId.optional(),
  /** A sender's platform user id: sessions where that user wrote. */
  userId: z.string().trim().min(1).max(128).optional(),
  chatId: z.string().trim().min(1).max(128).optional(),
  /** Words in the messages, case-insensitive. */
  text: z.string().trim().min(1).max(200).optional(),
  cursor: cursorQuery,
  limit: limitQuery(200, 50),
});
export type SessionSearchQuery = z.infer<typeof sessionSearchQuery>;

export const sessionPage = z.object({ items: z.array(sessionSummary), ...keysetPageFields });
export type SessionPage = z.infer<typeof sessionPage>;

/** What is known of an attachment; its content stays on the platform. */
export const attachmentMeta = z.object({
  kind: z.string(),
  fileName: z.string().nullable(),
  mimeType: z.string().nullable(),
  sizeBytes: z.number().nullable(),
});

export const transcriptMessage = z.object({
  id: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  role: z.string(),
  senderId: z.string().nullable(),
  senderName: z.string().nullable(),
  text: z.string(),
  attachments: z.array(attachmentMeta),
  createdAt: isoDate,
});
export type TranscriptMessage = z.infer<typeof transcriptMessage>;

export const transcriptQuery = z.object({ limit: limitQuery(1000, 200), before: isoDate.optional() });

/** GET /api/admin/sessions/:id: the session and its latest messages, oldest first. */
export const sessionDetail = z.object({ session: sessionSummary, messages: z.array(transcriptMessage) });
export type SessionDetail = z.infer<typeof sessionDetail>;

export const sessionResetResponse = z.object({ resetAt: isoDate });
export const sessionDeleteResponse = z.object({ deleted: z.boolean() });
