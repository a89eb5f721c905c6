import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '../database';
import { DATABASE } from '../database.token';
import { AuditEvent as AuditRow, Prisma } from '../generated/prisma/client';
import { AuditContent, ChainBreak, ChainVerifier, GENESIS_HASH, asStoredJson, auditHash } from './audit-chain';

/** A change to record: who did what to which thing, and how it looked before and after. */
export interface NewAuditEvent {
  actor: string;
  operatorId?: string | null;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  before?: unknown;
  after?: unknown;
  ip?: string | null;
  userAgent?: string | null;
}

export interface AuditEventRecord extends AuditContent {
  prevHash: string;
  hash: string;
}

export interface AuditFilter {
  /** Exact actor, or a prefix when it ends with ":". */
  actor?: string;
  /** Exact action, or a prefix when it ends with ".". */
  action?: string;
  targetType?: string;
  targetId?: string;
  from?: Date;
  to?: Date;
}

export interface AuditVerification {
  intact: boolean;
  checked: number;
  firstBreak: ChainBreak | null;
  /** The newest event: keep its hash elsewhere to detect a later truncation of the log. */
  head: { seq: bigint; hash: string } | null;
}

/** The action of the event a prune appends; its `after` says where the kept chain starts. */
export const AUDIT_PRUNED = 'audit.pruned';

// Serialises appends across connections and replicas (the chain needs "the previous row").
const APPEND_LOCK = 7_256_301_442;
const BATCH = 1000;

@Injectable()
export class AuditRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /**
   * Appends an event to the chain. Inside Database.transaction() it commits or rolls back with the
   * change it records; outside, it is its own transaction.
   */
  async append(event: NewAuditEvent): Promise<AuditEventRecord> {
    return this.db.transaction(async () => {
      await this.db.prisma.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${APPEND_LOCK})`);
      const last = await this.db.prisma.auditEvent.findFirst({ orderBy: { seq: 'desc' }, select: { seq: true, hash: true } });
      const content = {
        seq: (last?.seq ?? 0n) + 1n,
        actor: event.actor,
        operatorId: event.operatorId ?? null,
        action: event.action,
        targetType: event.targetType ?? null,
        targetId: event.targetId ?? null,
        before: asStoredJson(event.before),
        after: asStoredJson(event.after),
        ip: event.ip ?? null,
        userAgent: event.userAgent ?? null,
        createdAt: new Date(),
      };
      const prevHash = last?.hash ?? GENESIS_HASH;
      const hash = auditHash(prevHash, content);
      const row = await this.db.prisma.auditEvent.create({
        data: { ...content, before: toJson(content.before), after: toJson(content.after), prevHash, hash },
      });
      return toRecord(row);
    });
  }

  /** Newest first, `limit` events older than the `beforeSeq` cursor. */
  async page(filter: AuditFilter, limit: number, beforeSeq?: bigint): Promise<AuditEventRecord[]> {
    const rows = await this.db.prisma.auditEvent.findMany({
      where: { ...toWhere(filter), ...(beforeSeq === undefined ? {} : { seq: { lt: beforeSeq } }) },
      orderBy: { seq: 'desc' },
      take: limit,
    });
    return rows.map(toRecord);
  }

  /** Every matching event, oldest first, read in batches (for exports of any size). */
  async *stream(filter: AuditFilter = {}): AsyncGenerator<AuditEventRecord> {
    let after = 0n;
    for (;;) {
      const rows = await this.db.prisma.auditEvent.findMany({
        where: { ...toWhere(filter), seq: { gt: after } },
        orderBy: { seq: 'asc' },
        take: BATCH,
      });
      for (const row of rows) yield toRecord(row);
      if (rows.length < BATCH) return;
      after = rows[rows.length - 1].seq;
    }
  }

  /** Walks the whole chain; reports the first event that was altered, removed or unlinked. */
  async verify(): Promise<AuditVerification> {
    const verifier = new ChainVerifier(await this.chainStart());
    for await (const row of this.stream()) verifier.check(row);
    return { intact: verifier.firstBreak === null, checked: verifier.checked, firstBreak: verifier.firstBreak, head: verifier.head };
  }

  /**
   * Deletes the events older than `before` and appends an `audit.pruned` event carrying the last
   * deleted hash, from which `verify` checks the rows that remain. Returns how many were deleted.
   */
  async prune(before: Date, actor: string): Promise<number> {
    return this.db.transaction(async () => {
      await this.db.prisma.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${APPEND_LOCK})`);
      const last = await this.db.prisma.auditEvent.findFirst({
        where: { createdAt: { lt: before } },
        orderBy: { seq: 'desc' },
        select: { seq: true, hash: true },
      });
      if (!last) return 0;
      // The append-only trigger lets this transaction's DELETE through.
      await this.db.prisma.$executeRawUnsafe(`SELECT set_config('switchboard.audit_prune', 'on', true)`);
      const { count } = await this.db.prisma.auditEvent.deleteMany({ where: { seq: { lte: last.seq } } });
      await this.db.prisma.$executeRawUnsafe(`SELECT set_config('switchboard.audit_prune', 'off', true)`);
      await this.append({
        actor,
        action: AUDIT_PRUNED,
        targetType: 'audit',
        after: { throughSeq: last.seq.toString(), lastHash: last.hash, deleted: count, before: before.toISOString() },
      });
      return count;
    });
  }

  /** Genesis, unless a prune removed the start of the chain: then right after what it removed. */
  private async chainStart(): Promise<{ seq: bigint; prevHash: string }> {
    const pruned = await this.db.prisma.auditEvent.findFirst({ where: { action: AUDIT_PRUNED }, orderBy: { seq: 'desc' } });
    const mark = pruned?.after as { throughSeq?: string; lastHash?: string } | null | undefined;
    if (!mark?.throughSeq || !mark.lastHash) return { seq: 1n, prevHash: GENESIS_HASH };
    return { seq: BigInt(mark.throughSeq) + 1n, prevHash: mark.lastHash };
  }
}

function toJson(value: unknown): Prisma.InputJsonValue | typeof Prisma.DbNull {
  return value === null ? Prisma.DbNull : (value as Prisma.InputJsonValue);
}

function toWhere(filter: AuditFilter): Prisma.AuditEventWhereInput {
  const where: Prisma.AuditEventWhereInput = {};
  if (filter.actor) where.actor = filter.actor.endsWith(':') ? { startsWith: filter.actor } : filter.actor;
  if (filter.action) where.action = filter.action.endsWith('.') ? { startsWith: filter.action } : filter.action;
  if (filter.targetType) where.targetType = filter.targetType;
  if (filter.targetId) where.targetId = filter.targetId;
  if (filter.from || filter.to) where.createdAt = { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) };
  return where;
}

function toRecord(row: AuditRow): AuditEventRecord {
  return {
    seq: row.seq,
    actor: row.actor,
    operatorId: row.operatorId,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    before: row.before ?? null,
    after: row.after ?? null,
    ip: row.ip,
    userAgent: row.userAgent,
    createdAt: row.createdAt,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}
