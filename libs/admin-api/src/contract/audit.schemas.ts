import { z } from 'zod';
import { isoDate, limitQuery } from './common.schemas';

export const auditEvent = z.object({
  /** Position in the hash chain, 1, 2, 3, ... */
  seq: z.string(),
  /** `console:<email>`, `cli:<os user>`, `local-api:<actor>`, `oidc:<email>`, `system`. */
  actor: z.string(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  createdAt: isoDate,
  hash: z.string(),
});
export type AuditEvent = z.infer<typeof auditEvent>;

export const auditFilters = z.object({
  /** Exact actor, or a prefix ending in ":" such as `cli:`. */
  actor: z.string().trim().min(1).max(200).optional(),
  /** Exact action, or a prefix ending in "." such as `allowlist.`. */
  action: z.string().trim().min(1).max(100).optional(),
  targetType: z.string().trim().min(1).max(100).optional(),
  targetId: z.string().trim().min(1).max(200).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
});
export type AuditFilters = z.infer<typeof auditFilters>;

/** Newest first; `cursor` is the `nextCursor` of the previous page. */
export const auditListQuery = auditFilters.extend({ cursor: z.string().regex(/^\d+$/).optional(), limit: limitQuery(500, 50) });
export type AuditListQuery = z.infer<typeof auditListQuery>;
export const auditPage = z.object({ items: z.array(auditEvent), nextCursor: z.string().nullable() });
export type AuditPage = z.infer<typeof auditPage>;

export const auditExportQuery = auditFilters.extend({ format: z.enum(['csv', 'jsonl']).default('jsonl') });

export const auditVerifyResponse = z.object({
  intact: z.boolean(),
  checked: z.number().int(),
  /** The first row whose hash does not match (or that is missing from the sequence). */
  firstBad: z.object({ seq: z.string(), reason: z.string() }).nullable(),
});
export type AuditVerifyResponse = z.infer<typeof auditVerifyResponse>;
