import { DomainError, ErrorCode } from '@switchboard/core';

/** A list's totals are counted up to this many rows; past it the page says "more than". */
export const TOTAL_CAP = 1000;

/** One page of a keyset-paged list: `nextCursor` continues after the last item (null: no more). */
export interface KeysetPage<T> {
  items: T[];
  nextCursor: string | null;
  /** Matching rows, counted up to TOTAL_CAP; `totalCapped` when there are more than that. */
  total: number;
  totalCapped: boolean;
}

/** Where a page ends: the sort key of its last row and the row's id, which breaks ties. */
export interface KeysetPosition {
  value: string;
  id: string;
}

export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify([position.value, position.id])).toString('base64url');
}

export function decodeCursor(cursor: string): KeysetPosition {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(decoded) && decoded.length === 2 && decoded.every((part) => typeof part === 'string')) {
      return { value: decoded[0], id: decoded[1] };
    }
  } catch {
    // Falls through to the error below: a cursor is only ever one this module wrote.
  }
  throw new DomainError(ErrorCode.INVALID_INPUT, 'cursor: not a cursor this list gave out');
}

/** The first `limit` of `rows` (fetched with one extra) and the cursor after them. */
export function pageOf<R, T>(rows: R[], limit: number, position: (row: R) => KeysetPosition, map: (row: R) => T): { items: T[]; nextCursor: string | null } {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  return { items: kept.map(map), nextCursor: more ? encodeCursor(position(kept[kept.length - 1])) : null };
}

/** A capped count (`count` of at most TOTAL_CAP + 1 rows) as a page's total. */
export function cappedTotal(counted: number): { total: number; totalCapped: boolean } {
  return counted > TOTAL_CAP ? { total: TOTAL_CAP, totalCapped: true } : { total: counted, totalCapped: false };
}
