import { Inject, Injectable } from '@nestjs/common';
import { DATABASE } from '../database.token';
import type { Database } from '../database';
import type { QueueJob as QueueJobRow } from '../generated/prisma/client';
import { Prisma } from '../generated/prisma/client';

export type StoredJobStatus = 'waiting' | 'active' | 'completed' | 'dead';

/** A job of the in-process queue driver as kept in the database. */
export interface StoredJob {
  id: string;
  name: string;
  payload: unknown;
  status: StoredJobStatus;
  /** Attempts started so far. */
  attempts: number;
  maxAttempts: number;
  backoffMs: number;
  runAt: Date;
  lastError: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface NewStoredJob {
  id: string;
  name: string;
  payload: unknown;
  maxAttempts: number;
  backoffMs: number;
  runAt: Date;
}

export interface JobCounts {
  waiting: number;
  active: number;
  completed: number;
  dead: number;
}

/** Durable store behind the in-process queue driver (embedded mode). */
@Injectable()
export class QueueJobRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** Stores the job unless one with the same id exists; true when it was stored. */
  async insert(job: NewStoredJob): Promise<boolean> {
    const { count } = await this.db.prisma.queueJob.createMany({
      data: [{ ...job, payload: job.payload as Prisma.InputJsonValue }],
      skipDuplicates: true,
    });
    return count === 1;
  }

  /** Marks a waiting job active and counts the attempt; false when someone else took it. */
  async claim(id: string): Promise<boolean> {
    const { count } = await this.db.prisma.queueJob.updateMany({
      where: { id, status: 'waiting' },
      data: { status: 'active', attempts: { increment: 1 } },
    });
    return count === 1;
  }

  async complete(id: string): Promise<void> {
    await this.db.prisma.queueJob.update({ where: { id }, data: { status: 'completed', finishedAt: new Date(), lastError: null } });
  }

  /**
   * Deletes the completed jobs of `name` beyond the newest `keep`, and those finished before
   * `finishedBefore`; returns how many went.
   */
  async pruneCompleted(name: string, keep: number, finishedBefore: Date): Promise<number> {
    return this.db.prisma.$executeRaw`
      DELETE FROM "QueueJob"
      WHERE "name" = ${name} AND "status" = 'completed'
        AND ("finishedAt" < ${finishedBefore}
             OR "id" NOT IN (SELECT "id" FROM "QueueJob" WHERE "name" = ${name} AND "status" = 'completed'
                             ORDER BY "finishedAt" DESC LIMIT ${keep}))`;
  }

  async retryLater(id: string, runAt: Date, error: string): Promise<void> {
    await this.db.prisma.queueJob.update({ where: { id }, data: { status: 'waiting', runAt, lastError: error } });
  }

  async bury(id: string, error: string): Promise<void> {
    await this.db.prisma.queueJob.update({ where: { id }, data: { status: 'dead', finishedAt: new Date(), lastError: error } });
  }

  /**
   * Jobs to run after a start: waiting ones and those left active by a process that died
   * (they run again: delivery is at least once, processors check idempotency).
   */
  async findUnfinished(names: string[]): Promise<StoredJob[]> {
    await this.db.prisma.queueJob.updateMany({ where: { name: { in: names }, status: 'active' }, data: { status: 'waiting' } });
    const rows = await this.db.prisma.queueJob.findMany({
      where: { name: { in: names }, status: 'waiting' },
      orderBy: [{ runAt: 'asc' }, { createdAt: 'asc' }],
    });
    return rows.map(toStoredJob);
  }

  async counts(name: string): Promise<JobCounts> {
    const groups = await this.db.prisma.queueJob.groupBy({ by: ['status'], where: { name }, _count: { _all: true } });
    const counts: JobCounts = { waiting: 0, active: 0, completed: 0, dead: 0 };
    for (const group of groups) counts[group.status] = group._count._all;
    return counts;
  }

  /** The status of a job of this name, or undefined when no such job is stored. */
  async statusOf(name: string, id: string): Promise<StoredJobStatus | undefined> {
    const row = await this.db.prisma.queueJob.findFirst({ where: { id, name }, select: { status: true } });
    return row?.status;
  }

  async findDead(name: string, limit: number): Promise<StoredJob[]> {
    const rows = await this.db.prisma.queueJob.findMany({
      where: { name, status: 'dead' },
      orderBy: { finishedAt: 'desc' },
      take: limit,
    });
    return rows.map(toStoredJob);
  }

  /** Forgets completed jobs finished before `before` (their ids stop deduplicating). */
  async deleteCompletedBefore(before: Date): Promise<number> {
    const { count } = await this.db.prisma.queueJob.deleteMany({ where: { status: 'completed', finishedAt: { lt: before } } });
    return count;
  }
}

function toStoredJob(row: QueueJobRow): StoredJob {
  return {
    id: row.id,
    name: row.name,
    payload: row.payload,
    status: row.status,
    attempts: row.attempts,
    maxAttempts: row.maxAttempts,
    backoffMs: row.backoffMs,
    runAt: row.runAt,
    lastError: row.lastError,
    createdAt: row.createdAt,
    finishedAt: row.finishedAt,
  };
}
