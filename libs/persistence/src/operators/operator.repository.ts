import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '../database';
import { DATABASE } from '../database.token';
import type { Operator as OperatorRow } from '../generated/prisma/client';

export type OperatorRole = 'owner' | 'admin' | 'operator' | 'auditor';

/** A person who manages the gateway. The password hash leaves the repository only for checking. */
export interface OperatorRecord {
  id: string;
  email: string;
  displayName: string | null;
  role: OperatorRole;
  passwordHash: string | null;
  ssoSubject: string | null;
  disabledAt: Date | null;
  failedLogins: number;
  lockedUntil: Date | null;
  lastLoginAt: Date | null;
  createdAt: Date;
}

export interface NewOperator {
  email: string;
  role: OperatorRole;
  displayName?: string | null;
  passwordHash?: string | null;
  ssoSubject?: string | null;
}

export interface OperatorChanges {
  role?: OperatorRole;
  displayName?: string | null;
  disabledAt?: Date | null;
  passwordHash?: string | null;
  ssoSubject?: string | null;
}

@Injectable()
export class OperatorRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** Null when the email (or SSO subject) is taken. */
  async create(operator: NewOperator): Promise<OperatorRecord | null> {
    const email = operator.email.toLowerCase();
    const { count } = await this.db.prisma.operator.createMany({ data: [{ ...operator, email }], skipDuplicates: true });
    return count === 1 ? this.findByEmail(email) : null;
  }

  async findById(id: string): Promise<OperatorRecord | null> {
    if (!UUID.test(id)) return null;
    const row = await this.db.prisma.operator.findUnique({ where: { id } });
    return row ? toOperatorRecord(row) : null;
  }

  async findByEmail(email: string): Promise<OperatorRecord | null> {
    const row = await this.db.prisma.operator.findUnique({ where: { email: email.toLowerCase() } });
    return row ? toOperatorRecord(row) : null;
  }

  async findBySsoSubject(ssoSubject: string): Promise<OperatorRecord | null> {
    const row = await this.db.prisma.operator.findUnique({ where: { ssoSubject } });
    return row ? toOperatorRecord(row) : null;
  }

  /** Oldest first. */
  async list(): Promise<OperatorRecord[]> {
    const rows = await this.db.prisma.operator.findMany({ orderBy: { createdAt: 'asc' } });
    return rows.map(toOperatorRecord);
  }

  async count(): Promise<number> {
    return this.db.prisma.operator.count();
  }

  /** Enabled owners: the last one may not be demoted or disabled. */
  async countActiveOwners(): Promise<number> {
    return this.db.prisma.operator.count({ where: { role: 'owner', disabledAt: null } });
  }

  /** Null when there is no such operator. */
  async update(id: string, changes: OperatorChanges): Promise<OperatorRecord | null> {
    if (!UUID.test(id)) return null;
    const { count } = await this.db.prisma.operator.updateMany({ where: { id }, data: changes });
    return count === 1 ? this.findById(id) : null;
  }

  /**
   * Counts a wrong password in one statement (concurrent attempts all count); from `maxFailures`
   * on, the account is locked until `lockUntil`. Returns the operator after the change.
   */
  async recordFailedLogin(id: string, maxFailures: number, lockUntil: Date): Promise<OperatorRecord | null> {
    await this.db.prisma.$executeRaw`
      UPDATE "Operator"
      SET "failedLogins" = "failedLogins" + 1,
          "lockedUntil" = CASE WHEN "failedLogins" + 1 >= ${maxFailures} THEN ${lockUntil} ELSE "lockedUntil" END,
          "updatedAt" = now()
      WHERE id = ${id}::uuid`;
    return this.findById(id);
  }

  async recordLogin(id: string, at: Date): Promise<void> {
    await this.db.prisma.operator.updateMany({ where: { id }, data: { failedLogins: 0, lockedUntil: null, lastLoginAt: at } });
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function toOperatorRecord(row: OperatorRow): OperatorRecord {
  return {
    id: row.id,
    email: row.email,
    displayName: row.displayName,
    role: row.role,
    passwordHash: row.passwordHash,
    ssoSubject: row.ssoSubject,
    disabledAt: row.disabledAt,
    failedLogins: row.failedLogins,
    lockedUntil: row.lockedUntil,
    lastLoginAt: row.lastLoginAt,
    createdAt: row.createdAt,
  };
}
