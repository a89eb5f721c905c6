import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '../database';
import { DATABASE } from '../database.token';
import type { Prisma, SecuritySetting as SecuritySettingRow } from '../generated/prisma/client';

/** A setting stored by an operator; it overrides the configuration's value until removed. */
export interface StoredSetting {
  key: string;
  /** JSON: a string, a list of strings, a boolean, ... as the setting's rules allow. */
  value: unknown;
  /** 1 when first stored, one more on each change. */
  version: number;
  updatedBy: string;
  updatedAt: Date;
}

/** Setting overrides by key. Inside `Transactions.run` the calls join the open transaction. */
@Injectable()
export class SecuritySettingRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async list(): Promise<StoredSetting[]> {
    const rows = await this.db.prisma.securitySetting.findMany({ orderBy: { key: 'asc' } });
    return rows.map(toSetting);
  }

  async find(key: string): Promise<StoredSetting | null> {
    const row = await this.db.prisma.securitySetting.findUnique({ where: { key } });
    return row ? toSetting(row) : null;
  }

  /** Stores the value (one version more when the key had one); returns the stored setting. */
  async put(key: string, value: unknown, updatedBy: string): Promise<StoredSetting> {
    const json = value as Prisma.InputJsonValue;
    const row = await this.db.prisma.securitySetting.upsert({
      where: { key },
      create: { key, value: json, updatedBy },
      update: { value: json, updatedBy, version: { increment: 1 } },
    });
    return toSetting(row);
  }

  /** Removes the override, so the configuration's value applies again; the removed setting, or null. */
  async remove(key: string): Promise<StoredSetting | null> {
    const rows = await this.db.prisma.securitySetting.findMany({ where: { key } });
    if (rows.length === 0) return null;
    const { count } = await this.db.prisma.securitySetting.deleteMany({ where: { key } });
    return count === 1 ? toSetting(rows[0]) : null;
  }
}

function toSetting(row: SecuritySettingRow): StoredSetting {
  return { key: row.key, value: row.value, version: row.version, updatedBy: row.updatedBy, updatedAt: row.updatedAt };
}
