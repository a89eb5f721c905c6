import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@switchboard/core';
import type { Database } from '../database';
import { DATABASE } from '../database.token';
import type { Session as SessionRow } from '../generated/prisma/client';
import type { AllowlistEntry } from '../security/allowlist.repository';
import { PairingRequest, toPairingRequest } from '../security/pairing.repository';
import { SessionRecord, toSession } from '../sessions/session.repository';
import { KeysetPage, TOTAL_CAP, cappedTotal, decodeCursor, pageOf } from './keyset';

export interface AllowlistQuery {
  platform?: string;
  /** Case-insensitive, anywhere in the user id or the note. */
  search?: string;
  sort: 'createdAt' | 'userId' | 'platform';
  order: 'asc' | 'desc';
  /** The `nextCursor` of the previous page, for the same filters and sort. */
  cursor?: string;
  limit: number;
}

export interface SessionQuery {
  platform?: string;
  userId?: string;
  chatId?: string;
  text?: string;
  /** The `nextCursor` of the previous page, for the same filters. */
  cursor?: string;
  limit: number;
}

export interface TranscriptEntry {
  id: string;
  direction: 'inbound' | 'outbound';
  role: string;
  senderId: string | null;
  senderName: string | null;
  text: string;
  attachments: unknown;
  createdAt: Date;
}

export interface TrafficPoint {
  platform: string;
  minute: Date;
  count: number;
}

export interface ActivityStats {
  traffic: TrafficPoint[];
  finishedTurns: number;
  failedTurns: number;
  activeSessions: number;
}

/** Searches and figures the admin console shows; writes stay in the entity repositories. */
@Injectable()
export class ConsoleQueriesRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  // The two lists below run as plain SQL (as the message path's hot statements do): Prisma's own
  // work per statement cost about twice the statement (docs/PERFORMANCE.md, Admin API). They are
  // not prepared: a search's best plan depends on its words.

  /** Keyset-paged, the id breaking ties of the sort key, so pages never repeat or skip an entry. */
  async allowlistPage(query: AllowlistQuery): Promise<KeysetPage<AllowlistEntry>> {
    const filter = (sql: SqlFilter) => {
      if (query.platform) sql.and(`platform = ${sql.param(query.platform)}`);
      if (query.search) {
        const words = sql.param(`%${likeText(query.search)}%`);
        sql.and(`("userId" ILIKE ${words} OR note ILIKE ${words})`);
      }
      return sql;
    };
    const key = ALLOWLIST_SORT[query.sort];
    const page = filter(new SqlFilter());
    if (query.cursor) {
      const position = decodeCursor(query.cursor);
      const value = query.sort === 'createdAt' ? page.param(cursorDate(position.value), 'timestamptz') : page.param(position.value, 'text');
      page.and(`(${key}, id) ${query.order === 'desc' ? '<' : '>'} (${value}, ${page.param(cursorId(position.id), 'uuid')})`);
    }
    const order = query.order === 'desc' ? 'DESC' : 'ASC';
    const rows = await this.db.sql.query<AllowlistEntry & { id: string }>(
      { text: `SELECT id, platform, "userId", note, "createdBy", "createdAt" FROM "AllowlistEntry" ${page.where()} ORDER BY ${key} ${order}, id ${order} LIMIT ${page.param(query.limit + 1)}` },
      page.values,
    );
    const sortValue = (row: (typeof rows)[number]) => (query.sort === 'createdAt' ? row.createdAt.toISOString() : row[query.sort]);
    const items = pageOf(rows, query.limit, (row) => ({ value: sortValue(row), id: row.id }), ({ id: _id, ...entry }) => entry);
    return { ...items, ...(await this.total(query.cursor, items, () => this.countUpToCap('"AllowlistEntry"', filter(new SqlFilter())))) };
  }

  /** Newest activity first, keyset-paged. `userId` and `text` match the session's messages. */
  async sessionPage(query: SessionQuery): Promise<KeysetPage<SessionRecord>> {
    const filter = (sql: SqlFilter) => {
      if (query.platform) sql.and(`s.platform = ${sql.param(query.platform)}`);
      if (query.chatId) sql.and(`s."chatId" = ${sql.param(query.chatId)}`);
      if (query.userId || query.text) {
        const sender = query.userId ? ` AND m."senderId" = ${sql.param(query.userId)}` : '';
        const text = query.text ? ` AND m.text ILIKE ${sql.param(`%${likeText(query.text)}%`)}` : '';
        sql.and(`EXISTS (SELECT 1 FROM "Message" m WHERE m."sessionId" = s.id${sender}${text})`);
      }
      return sql;
    };
    const page = filter(new SqlFilter());
    if (query.cursor) {
      const position = decodeCursor(query.cursor);
      page.and(`(s."lastActivityAt", s.id) < (${page.param(cursorDate(position.value), 'timestamptz')}, ${page.param(cursorId(position.id), 'uuid')})`);
    }
    const rows = await this.db.sql.query<SessionRow>(
      { text: `SELECT s.* FROM "Session" s ${page.where()} ORDER BY s."lastActivityAt" DESC, s.id DESC LIMIT ${page.param(query.limit + 1)}` },
      page.values,
    );
    const items = pageOf(rows, query.limit, (row) => ({ value: row.lastActivityAt.toISOString(), id: row.id }), toSession);
    return { ...items, ...(await this.total(query.cursor, items, () => this.countUpToCap('"Session" s', filter(new SqlFilter())))) };
  }

  /** A first page that holds every match is its own total; otherwise the matches are counted, up to the cap. */
  private async total(cursor: string | undefined, page: { items: unknown[]; nextCursor: string | null }, count: () => Promise<number>) {
    return !cursor && !page.nextCursor ? cappedTotal(page.items.length) : cappedTotal(await count());
  }

  private async countUpToCap(from: string, filter: SqlFilter): Promise<number> {
    const [row] = await this.db.sql.query<{ n: number }>(
      { text: `SELECT count(*)::int AS n FROM (SELECT 1 FROM ${from} ${filter.where()} LIMIT ${filter.param(TOTAL_CAP + 1)}) matches` },
      filter.values,
    );
    return row.n;
  }

  /** The `limit` latest messages before `before` (default: all), oldest first. */
  async transcript(sessionId: string, limit: number, before?: Date): Promise<TranscriptEntry[]> {
    const rows = await this.db.prisma.message.findMany({
      where: { sessionId, ...(before ? { createdAt: { lt: before } } : {}) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
    });
    return rows.reverse().map((row) => ({
      id: row.id,
      direction: row.direction,
      role: row.role,
      senderId: row.senderId,
      senderName: row.senderName,
      text: row.text,
      attachments: row.attachments,
      createdAt: row.createdAt,
    }));
  }

  /** Inbound messages per platform and minute, turns finished and failed, sessions active: since `since`. */
  async activity(since: Date): Promise<ActivityStats> {
    const [traffic, turns, activeSessions] = await Promise.all([
      this.db.prisma.$queryRaw<{ platform: string; minute: Date; count: bigint }[]>`
        SELECT platform, date_trunc('minute', "createdAt") AS minute, count(*) AS count
        FROM "Message" WHERE direction = 'inbound' AND "createdAt" >= ${since}
        GROUP BY 1, 2 ORDER BY 2`,
      this.db.prisma.turn.groupBy({ by: ['status'], where: { updatedAt: { gte: since }, status: { in: ['delivered', 'failed'] } }, _count: true }),
      this.db.prisma.session.count({ where: { lastActivityAt: { gte: since } } }),
    ]);
    const countOf = (status: string) => turns.find((t) => t.status === status)?._count ?? 0;
    return {
      traffic: traffic.map((row) => ({ platform: row.platform, minute: row.minute, count: Number(row.count) })),
      finishedTurns: countOf('delivered') + countOf('failed'),
      failedTurns: countOf('failed'),
      activeSessions,
    };
  }

  /** Pairing requests created or resolved at or after `since`, oldest change first. */
  async pairingChanges(since: Date): Promise<PairingRequest[]> {
    const rows = await this.db.prisma.pairingRequest.findMany({
      where: { OR: [{ createdAt: { gte: since } }, { resolvedAt: { gte: since } }] },
      orderBy: { createdAt: 'asc' },
      take: 500,
    });
    return rows.map(toPairingRequest);
  }

  async pairingById(id: string): Promise<PairingRequest | null> {
    if (!UUID.test(id)) return null;
    const row = await this.db.prisma.pairingRequest.findUnique({ where: { id } });
    return row ? toPairingRequest(row) : null;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Words to find anywhere with ILIKE: % and _ in them are text, not patterns. */
function likeText(words: string): string {
  return words.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const ALLOWLIST_SORT: Record<AllowlistQuery['sort'], string> = { createdAt: '"createdAt"', userId: '"userId"', platform: 'platform' };

/** The WHERE clause of a statement built from optional filters, and its values in placeholder order. */
class SqlFilter {
  readonly values: unknown[] = [];
  private readonly conditions: string[] = [];

  /** The placeholder of `value`, cast when PostgreSQL cannot infer its type from the context. */
  param(value: unknown, type?: 'text' | 'timestamptz' | 'uuid'): string {
    this.values.push(value);
    return type ? `$${this.values.length}::${type}` : `$${this.values.length}`;
  }

  and(condition: string): void {
    this.conditions.push(condition);
  }

  where(): string {
    return this.conditions.length ? `WHERE ${this.conditions.join(' AND ')}` : '';
  }
}

/** The id half of a cursor: a row id, which is a UUID (PostgreSQL refuses anything else). */
function cursorId(id: string): string {
  if (!UUID.test(id)) throw new DomainError(ErrorCode.INVALID_INPUT, 'cursor: not a cursor this list gave out');
  return id;
}

function cursorDate(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new DomainError(ErrorCode.INVALID_INPUT, 'cursor: not a cursor this list gave out');
  return date;
}
