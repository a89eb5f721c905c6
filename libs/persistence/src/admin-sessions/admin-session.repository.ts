import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '../database';
import { DATABASE } from '../database.token';
import type { AdminSession as SessionRow } from '../generated/prisma/client';
import type { OperatorRecord } from '../operators/operator.repository';

/** A signed-in console session. The cookie token itself is never stored, only its hash. */
export interface AdminSessionRecord {
  id: string;
  operatorId: string;
  csrfToken: string;
  method: string;
  ip: string | null;
  userAgent: string | null;
  createdAt: Date;
  lastSeenAt: Date;
  idleExpiresAt: Date;
  expiresAt: Date;
}

export interface NewAdminSession {
  tokenHash: string;
  operatorId: string;
  csrfToken: string;
  method: string;
  ip: string | null;
  userAgent: string | null;
  createdAt: Date;
  idleExpiresAt: Date;
  expiresAt: Date;
}

@Injectable()
export class AdminSessionRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async create(session: NewAdminSession): Promise<AdminSessionRecord> {
    const row = await this.db.prisma.adminSession.create({ data: { ...session, lastSeenAt: session.createdAt } });
    return toRecord(row);
  }

  /** The live session with this token hash at `now` (neither idle nor absolute timeout passed). */
  async findLive(tokenHash: string, now: Date): Promise<AdminSessionRecord | null> {
    return (await this.findLiveWithOperator(tokenHash, now))?.session ?? null;
  }

  /**
   * The live session and its operator, in one prepared statement without Prisma: every console
   * request asks, and Prisma's own work cost more than the statement (docs/PERFORMANCE.md, Admin API).
   */
  async findLiveWithOperator(tokenHash: string, now: Date): Promise<{ session: AdminSessionRecord; operator: OperatorRecord } | null> {
    const [row] = await this.db.sql.query<LiveSessionRow>(FIND_LIVE_WITH_OPERATOR, [tokenHash, now]);
    return row ? splitLiveSession(row) : null;
  }

  /** Pushes the idle timeout forward (never past the absolute one). */
  async touch(id: string, now: Date, idleExpiresAt: Date): Promise<void> {
    await this.db.prisma.adminSession.updateMany({ where: { id }, data: { lastSeenAt: now, idleExpiresAt } });
  }

  /** True when the session existed. */
  async delete(id: string): Promise<boolean> {
    const { count } = await this.db.prisma.adminSession.deleteMany({ where: { id } });
    return count === 1;
  }

  /** Ends every session of the operator ("sign out everywhere"), or all but `exceptId`; how many ended. */
  async deleteForOperator(operatorId: string, exceptId?: string): Promise<number> {
    const { count } = await this.db.prisma.adminSession.deleteMany({
      where: { operatorId, ...(exceptId ? { id: { not: exceptId } } : {}) },
    });
    return count;
  }

  /** Removes sessions whose idle or absolute timeout passed before `now`. */
  async deleteExpired(now: Date): Promise<number> {
    const { count } = await this.db.prisma.adminSession.deleteMany({
      where: { OR: [{ idleExpiresAt: { lte: now } }, { expiresAt: { lte: now } }] },
    });
    return count;
  }
}

/** A session row with its operator's columns, which come prefixed with `operator_` (they share names). */
type LiveSessionRow = AdminSessionRecord & { [K in keyof OperatorRecord as `operator_${K}`]: OperatorRecord[K] };

const FIND_LIVE_WITH_OPERATOR = {
  name: 'sb_admin_find_live_session',
  text: `SELECT s.id, s."operatorId", s."csrfToken", s.method, s.ip, s."userAgent", s."createdAt", s."lastSeenAt", s."idleExpiresAt", s."expiresAt",
      o.id AS "operator_id", o.email AS "operator_email", o."displayName" AS "operator_displayName", o.role AS "operator_role",
      o."passwordHash" AS "operator_passwordHash", o."ssoSubject" AS "operator_ssoSubject", o."disabledAt" AS "operator_disabledAt",
      o."failedLogins" AS "operator_failedLogins", o."lockedUntil" AS "operator_lockedUntil", o."lastLoginAt" AS "operator_lastLoginAt",
      o."createdAt" AS "operator_createdAt"
    FROM "AdminSession" s JOIN "Operator" o ON o.id = s."operatorId"
    WHERE s."tokenHash" = $1 AND s."idleExpiresAt" > $2 AND s."expiresAt" > $2`,
};

function splitLiveSession(row: LiveSessionRow): { session: AdminSessionRecord; operator: OperatorRecord } {
  const session = { id: row.id, operatorId: row.operatorId, csrfToken: row.csrfToken, method: row.method, ip: row.ip, userAgent: row.userAgent, createdAt: row.createdAt, lastSeenAt: row.lastSeenAt, idleExpiresAt: row.idleExpiresAt, expiresAt: row.expiresAt };
  const operator: OperatorRecord = {
    id: row.operator_id,
    email: row.operator_email,
    displayName: row.operator_displayName,
    role: row.operator_role,
    passwordHash: row.operator_passwordHash,
    ssoSubject: row.operator_ssoSubject,
    disabledAt: row.operator_disabledAt,
    failedLogins: row.operator_failedLogins,
    lockedUntil: row.operator_lockedUntil,
    lastLoginAt: row.operator_lastLoginAt,
    createdAt: row.operator_createdAt,
  };
  return { session, operator };
}

function toRecord(row: SessionRow): AdminSessionRecord {
  return {
    id: row.id,
    operatorId: row.operatorId,
    csrfToken: row.csrfToken,
    method: row.method,
    ip: row.ip,
    userAgent: row.userAgent,
    createdAt: row.createdAt,
    lastSeenAt: row.lastSeenAt,
    idleExpiresAt: row.idleExpiresAt,
    expiresAt: row.expiresAt,
  };
}
