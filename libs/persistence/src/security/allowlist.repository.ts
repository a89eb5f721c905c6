import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '../database';
import { DATABASE } from '../database.token';
import type { AllowlistEntry as AllowlistRow } from '../generated/prisma/client';

/** The platform value of an entry that allows a user on every platform. */
export const ANY_PLATFORM = '*';

/** A user allowed to talk to the agent on one platform, or on all of them (`platform` "*"). */
export interface AllowlistEntry {
  platform: string;
  userId: string;
  note: string | null;
  createdBy: string | null;
  createdAt: Date;
}

export interface NewAllowlistEntry {
  platform: string;
  userId: string;
  note?: string;
  createdBy?: string;
}

@Injectable()
export class AllowlistRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** Entries of one platform together with the "*" ones; every entry without a platform. */
  async list(platform?: string): Promise<AllowlistEntry[]> {
    const rows = await this.db.prisma.allowlistEntry.findMany({
      where: platform === undefined ? {} : { platform: { in: [platform, ANY_PLATFORM] } },
      orderBy: [{ platform: 'asc' }, { createdAt: 'asc' }],
    });
    return rows.map(toEntry);
  }

  /** Adds the user unless already there; true when an entry was created. */
  async add(entry: NewAllowlistEntry): Promise<boolean> {
    const { count } = await this.db.prisma.allowlistEntry.createMany({
      data: [{ platform: entry.platform, userId: entry.userId, note: entry.note, createdBy: entry.createdBy }],
      skipDuplicates: true,
    });
    return count === 1;
  }

  /** Removes the entry of exactly this platform ("*" entries stay); true when one was removed. */
  async remove(platform: string, userId: string): Promise<boolean> {
    const { count } = await this.db.prisma.allowlistEntry.deleteMany({ where: { platform, userId } });
    return count === 1;
  }

  /** Whether the user has an entry for this platform or for every platform. */
  async isAllowed(platform: string, userId: string): Promise<boolean> {
    const found = await this.db.prisma.allowlistEntry.findFirst({
      where: { platform: { in: [platform, ANY_PLATFORM] }, userId },
      select: { id: true },
    });
    return found !== null;
  }
}

function toEntry(row: AllowlistRow): AllowlistEntry {
  return {
    platform: row.platform,
    userId: row.userId,
    note: row.note,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
  };
}
