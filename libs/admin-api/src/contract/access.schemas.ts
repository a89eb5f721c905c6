import { z } from 'zod';
import { cursorQuery, isoDate, keysetPageFields, limitQuery, platformId, sortOrder } from './common.schemas';

/** "*" allows the user on every platform. */
export const allowlistPlatform = z.union([z.literal('*'), platformId]);
export const userId = z.string().trim().min(1, 'expected a user id').max(128, 'user id too long');

export const allowlistEntry = z.object({
  platform: z.string(),
  userId: z.string(),
  note: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: isoDate,
});
export type AllowlistEntry = z.infer<typeof allowlistEntry>;

export const allowlistListQuery = z.object({
  platform: allowlistPlatform.optional(),
  /** Matches user ids and notes, case-insensitive, anywhere in the text. */
  search: z.string().trim().max(128).optional(),
  sort: z.enum(['createdAt', 'userId', 'platform']).default('createdAt'),
  order: sortOrder,
  cursor: cursorQuery,
  limit: limitQuery(500, 50),
});
export type AllowlistListQuery = z.infer<typeof allowlistListQuery>;

export const allowlistPage = z.object({ items: z.array(allowlistEntry), ...keysetPageFields });
export type AllowlistPage = z.infer<typeof allowlistPage>;

export const allowlistAddRequest = z.object({ platform: allowlistPlatform, userId, note: z.string().trim().max(500).optional() });
export type AllowlistAddRequest = z.infer<typeof allowlistAddRequest>;
export const allowlistAddResponse = z.object({ added: z.boolean() });

export const allowlistEntryParams = z.object({ platform: allowlistPlatform, userId });
export const allowlistRemoveResponse = z.object({ removed: z.boolean() });

/**
 * POST /api/admin/allowlist/import: CSV text with a header line `platform,userId[,note]`.
 * With `dryRun` nothing is written and the answer previews what would happen to each line.
 */
export const allowlistImportRequest = z.object({ csv: z.string().max(5_000_000), dryRun: z.boolean().default(true) });
export type AllowlistImportRequest = z.infer<typeof allowlistImportRequest>;

export const allowlistImportRow = z.object({
  /** 1-based line number in the CSV text. */
  line: z.number().int(),
  platform: z.string(),
  userId: z.string(),
  note: z.string().nullable(),
  outcome: z.enum(['add', 'exists', 'invalid']),
  error: z.string().optional(),
});
export const allowlistImportResponse = z.object({
  dryRun: z.boolean(),
  rows: z.array(allowlistImportRow),
  /** Entries added (or that would be, on a dry run). */
  added: z.number().int(),
  existing: z.number().int(),
  invalid: z.number().int(),
});
export type AllowlistImportResponse = z.infer<typeof allowlistImportResponse>;

export const allowlistExportQuery = z.object({ platform: allowlistPlatform.optional() });

export const pairingRequest = z.object({
  id: z.string(),
  platform: z.string(),
  userId: z.string(),
  displayName: z.string().nullable(),
  chatId: z.string(),
  expiresAt: isoDate,
  createdAt: isoDate,
});
export type PairingRequest = z.infer<typeof pairingRequest>;

export const pairingListQuery = z.object({ platform: platformId.optional() });
export const pairingList = z.object({ items: z.array(pairingRequest) });

/** Approval needs the code the user was sent: it proves the operator is talking to that user. */
export const pairingApproveRequest = z.object({ platform: platformId, code: z.string().trim().min(8).max(16) });
export type PairingApproveRequest = z.infer<typeof pairingApproveRequest>;
export const pairingApproveResponse = z.object({ platform: z.string(), userId: z.string(), displayName: z.string().nullable() });

export const pairingDenyResponse = z.object({ denied: z.boolean() });

/**
 * Server-sent events of GET /api/admin/pairing/events (`event:` line = `type`):
 * `pairing.requested` (data: a PairingRequest) and `pairing.resolved` (data: {id, status}).
 */
export const pairingEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('pairing.requested'), request: pairingRequest }),
  z.object({ type: z.literal('pairing.resolved'), id: z.string(), status: z.enum(['approved', 'denied', 'expired']) }),
]);
export type PairingEvent = z.infer<typeof pairingEvent>;
