import { Inject, Injectable } from '@nestjs/common';
import type { ChatType } from '@switchboard/core';
import type { Database } from '../database';
import { DATABASE } from '../database.token';
import type { ScheduledPrompt as ScheduledPromptRow } from '../generated/prisma/client';
import type { SqlStatement } from '../sql-client';

/** Where a scheduled prompt is answered: a chat (and thread) of a platform account. */
export interface ScheduleTarget {
  platform: string;
  accountId: string;
  chatType: ChatType;
  chatId: string;
  threadId: string | null;
}

export interface ScheduledPromptRecord {
  id: string;
  name: string;
  cronExpression: string;
  timeZone: string;
  prompt: string;
  target: ScheduleTarget;
  createdBy: string;
  enabled: boolean;
  lastRunAt: Date | null;
  nextRunAt: Date;
  createdAt: Date;
}

export type NewScheduledPrompt = Pick<ScheduledPromptRecord, 'name' | 'cronExpression' | 'timeZone' | 'prompt' | 'target' | 'createdBy' | 'nextRunAt'>;

/** Moves a due schedule on: from the tick `due` (the value read) to the tick `next`. */
export interface ScheduleAdvance {
  id: string;
  due: Date;
  next: Date;
}

const DUE: SqlStatement = {
  name: 'scheduled_prompt_due',
  text: `
    SELECT * FROM "ScheduledPrompt" WHERE "enabled" AND "nextRunAt" <= $1::timestamptz
    ORDER BY "nextRunAt" LIMIT $2::int`,
};

// Only a row still at the tick that was read moves: of the replicas that read it, one wins.
const ADVANCE: SqlStatement = {
  name: 'scheduled_prompt_advance',
  text: `
    UPDATE "ScheduledPrompt" s SET "nextRunAt" = a."next", "lastRunAt" = a."due"
    FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[]) AS a("id", "due", "next")
    WHERE s."id" = a."id" AND s."nextRunAt" = a."due"
    RETURNING s."id"`,
};

const NEXT_DUE: SqlStatement = {
  name: 'scheduled_prompt_next_due',
  text: `SELECT min("nextRunAt") AS "at" FROM "ScheduledPrompt" WHERE "enabled"`,
};

/** Scheduled prompts (/cron, `switchboard cron`) and the claim that fires each tick once. */
@Injectable()
export class ScheduledPromptRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** Stores a new schedule; null when the name is taken. */
  async create(input: NewScheduledPrompt): Promise<ScheduledPromptRecord | null> {
    const { target, ...fields } = input;
    try {
      return toScheduledPrompt(await this.db.prisma.scheduledPrompt.create({ data: { ...fields, ...target } }));
    } catch (error) {
      if ((error as { code?: unknown }).code === 'P2002') return null;
      throw error;
    }
  }

  async list(): Promise<ScheduledPromptRecord[]> {
    return (await this.db.prisma.scheduledPrompt.findMany({ orderBy: { name: 'asc' } })).map(toScheduledPrompt);
  }

  async findByName(name: string): Promise<ScheduledPromptRecord | null> {
    const row = await this.db.prisma.scheduledPrompt.findUnique({ where: { name } });
    return row ? toScheduledPrompt(row) : null;
  }

  /** Removes the schedule; the removed one, or null when there was none of that name. */
  async remove(name: string): Promise<ScheduledPromptRecord | null> {
    const row = await this.findByName(name);
    if (!row) return null;
    const { count } = await this.db.prisma.scheduledPrompt.deleteMany({ where: { id: row.id } });
    return count ? row : null;
  }

  /** Enabled schedules whose tick is at or before `now`, earliest first. */
  async due(now: Date, limit: number): Promise<ScheduledPromptRecord[]> {
    const rows = await this.db.sql.query<ScheduledPromptRow>(DUE, [now, limit]);
    return rows.map(toScheduledPrompt);
  }

  /** Moves each schedule still at its `due` tick to its `next` one; returns the ids moved. */
  async advance(moves: ScheduleAdvance[]): Promise<Set<string>> {
    if (!moves.length) return new Set();
    const rows = await this.db.sql.query<{ id: string }>(ADVANCE, [moves.map((m) => m.id), moves.map((m) => m.due), moves.map((m) => m.next)]);
    return new Set(rows.map((row) => row.id));
  }

  /** The earliest tick of an enabled schedule; null when there is none. */
  async nextDueAt(): Promise<Date | null> {
    const [row] = await this.db.sql.query<{ at: Date | null }>(NEXT_DUE, []);
    return row?.at ?? null;
  }
}

function toScheduledPrompt(row: ScheduledPromptRow): ScheduledPromptRecord {
  return {
    id: row.id,
    name: row.name,
    cronExpression: row.cronExpression,
    timeZone: row.timeZone,
    prompt: row.prompt,
    target: { platform: row.platform, accountId: row.accountId, chatType: row.chatType, chatId: row.chatId, threadId: row.threadId },
    createdBy: row.createdBy,
    enabled: row.enabled,
    lastRunAt: row.lastRunAt,
    nextRunAt: row.nextRunAt,
    createdAt: row.createdAt,
  };
}
