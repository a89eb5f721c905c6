import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '../database';
import { DATABASE } from '../database.token';
import type { PairingApprovalGuard as GuardRow, PairingRequest as PairingRow } from '../generated/prisma/client';

export type PairingStatus = 'pending' | 'approved' | 'expired' | 'revoked';

/** A DM pairing request. The code itself is never stored, only its hash (not exposed here). */
export interface PairingRequest {
  id: string;
  platform: string;
  /** The platform account (bot) the user wrote to. */
  accountId: string;
  userId: string;
  displayName: string | null;
  chatId: string;
  status: PairingStatus;
  expiresAt: Date;
  createdAt: Date;
  resolvedAt: Date | null;
  resolvedBy: string | null;
}

export interface NewPairingRequest {
  platform: string;
  accountId: string;
  userId: string;
  displayName?: string;
  chatId: string;
  codeHash: string;
  createdAt: Date;
  expiresAt: Date;
}

/** Failed approvals of one platform within the current window, and a lock if they went too far. */
export interface ApprovalGuard {
  platform: string;
  failures: number;
  windowStartedAt: Date;
  lockedUntil: Date | null;
}

@Injectable()
export class PairingRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async create(request: NewPairingRequest): Promise<PairingRequest> {
    const row = await this.db.prisma.pairingRequest.create({ data: { ...request, status: 'pending' } });
    return toPairingRequest(row);
  }

  /** Pending requests of the platform that have not expired at `now`, optionally ignoring one user's. */
  async countPending(platform: string, now: Date, exceptUserId?: string): Promise<number> {
    return this.db.prisma.pairingRequest.count({
      where: { platform, status: 'pending', expiresAt: { gt: now }, ...(exceptUserId ? { userId: { not: exceptUserId } } : {}) },
    });
  }

  /** The user's most recent request on the platform, whatever its status. */
  async findLatestForUser(platform: string, userId: string): Promise<PairingRequest | null> {
    const row = await this.db.prisma.pairingRequest.findFirst({ where: { platform, userId }, orderBy: { createdAt: 'desc' } });
    return row ? toPairingRequest(row) : null;
  }

  /** The request holding this code hash, whatever its status. */
  async findByCodeHash(codeHash: string): Promise<PairingRequest | null> {
    const row = await this.db.prisma.pairingRequest.findUnique({ where: { codeHash } });
    return row ? toPairingRequest(row) : null;
  }

  /** Pending, unexpired requests, oldest first; of one platform or of all. */
  async listPending(now: Date, platform?: string): Promise<PairingRequest[]> {
    const rows = await this.db.prisma.pairingRequest.findMany({
      where: { status: 'pending', expiresAt: { gt: now }, ...(platform === undefined ? {} : { platform }) },
      orderBy: { createdAt: 'asc' },
    });
    return rows.map(toPairingRequest);
  }

  /** Moves a pending request to its final status; false when it was no longer pending. */
  async resolve(id: string, status: Exclude<PairingStatus, 'pending'>, now: Date, resolvedBy?: string): Promise<boolean> {
    const { count } = await this.db.prisma.pairingRequest.updateMany({
      where: { id, status: 'pending' },
      data: { status, resolvedAt: now, resolvedBy },
    });
    return count === 1;
  }

  /** Resolves every pending request of the user on the platform; returns how many there were. */
  async resolvePendingForUser(
    platform: string,
    userId: string,
    status: Exclude<PairingStatus, 'pending'>,
    now: Date,
    resolvedBy?: string,
  ): Promise<number> {
    const { count } = await this.db.prisma.pairingRequest.updateMany({
      where: { platform, userId, status: 'pending' },
      data: { status, resolvedAt: now, resolvedBy },
    });
    return count;
  }

  async findApprovalGuard(platform: string): Promise<ApprovalGuard | null> {
    const row = await this.db.prisma.pairingApprovalGuard.findUnique({ where: { platform } });
    return row ? toGuard(row) : null;
  }

  /**
   * Counts one failed approval. A window older than `windowMs` starts afresh with this failure.
   * Each step is a single atomic statement, so concurrent failures are all counted.
   */
  async recordApprovalFailure(platform: string, now: Date, windowMs: number): Promise<ApprovalGuard> {
    await this.db.prisma.pairingApprovalGuard.updateMany({
      where: { platform, windowStartedAt: { lte: new Date(now.getTime() - windowMs) } },
      data: { failures: 0, windowStartedAt: now },
    });
    const row = await this.db.prisma.pairingApprovalGuard.upsert({
      where: { platform },
      create: { platform, failures: 1, windowStartedAt: now },
      update: { failures: { increment: 1 } },
    });
    return toGuard(row);
  }

  /** Locks approvals until `until` and starts a new failure window at `now`. */
  async lockApprovals(platform: string, until: Date, now: Date): Promise<void> {
    await this.db.prisma.pairingApprovalGuard.upsert({
      where: { platform },
      create: { platform, failures: 0, windowStartedAt: now, lockedUntil: until },
      update: { failures: 0, windowStartedAt: now, lockedUntil: until },
    });
  }
}

/** A stored pairing request as the domain sees it. */
export function toPairingRequest(row: PairingRow): PairingRequest {
  return {
    id: row.id,
    platform: row.platform,
    accountId: row.accountId,
    userId: row.userId,
    displayName: row.displayName,
    chatId: row.chatId,
    status: row.status,
    expiresAt: row.expiresAt,
    createdAt: row.createdAt,
    resolvedAt: row.resolvedAt,
    resolvedBy: row.resolvedBy,
  };
}

function toGuard(row: GuardRow): ApprovalGuard {
  return {
    platform: row.platform,
    failures: row.failures,
    windowStartedAt: row.windowStartedAt,
    lockedUntil: row.lockedUntil,
  };
}
