import { z } from 'zod';

/** Dates travel as ISO 8601 strings. */
export const isoDate = z.iso.datetime({ offset: true });

export const platformId = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'expected a platform id such as telegram');

/** Query strings carry numbers as text. */
export const limitQuery = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);
export const sortOrder = z.enum(['asc', 'desc']).default('desc');

/** The `nextCursor` of the previous page of a keyset-paged list, with the same filters and sort. */
export const cursorQuery = z.string().min(1).max(1000).optional();

/**
 * The paging fields of a keyset-paged list. `nextCursor` continues after this page (null: last page).
 * `total` counts the matching rows up to a cap; `totalCapped` says there are more than that.
 */
export const keysetPageFields = { nextCursor: z.string().nullable(), total: z.number().int(), totalCapped: z.boolean() };

export const idParam = z.object({ id: z.string().trim().min(1).max(200) });

/**
 * The body of every 4xx/5xx answer. `code`: UNAUTHENTICATED (401), FORBIDDEN (403, also a missing or
 * wrong CSRF token), INVALID_INPUT (400), NOT_FOUND, CONFLICT, RATE_LIMITED (429, with retry-after),
 * INTERNAL (500, with `errorId` naming the log line).
 */
export const errorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    errorId: z.string().optional(),
    /** On a 400 for a form: the problem of each refused field, by the field's name in the request. */
    fields: z.record(z.string(), z.string()).optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBody>;

export const okBody = z.object({ ok: z.literal(true) });
