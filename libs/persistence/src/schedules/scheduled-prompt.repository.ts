import { Inject, Injectable } from '@nestjs/common';
import type { ChatType, InboundMessage } from '@switchboard/core';
import type { Database } from '../database';
import { DATABASE } from '../database.token';
import type { ScheduledPrompt as ScheduledPromptRow } from '../generated/prisma/client';
import { acceptCallOf } from '../messages/message.repository';
import type { SessionIdentity } from '../sessions/session.repository';
import type { SqlStatement } from '../sql-client';
import { toJsonArgument } from '../statement-batcher';

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
  /** The tick after nextRunAt once the ticker has worked it out (see TickFiring), else null. */
  followingRunAt: Date | null;
  createdAt: Date;
}

export type NewScheduledPrompt = Pick<ScheduledPromptRecord, 'name' | 'cronExpression' | 'timeZone' | 'prompt' | 'target' | 'createdBy' | 'nextRunAt'>;

/** What firing a due tick writes: the schedule's next tick, and the tick's prompt as an accepted message of a session. */
export interface TickFiring {
  next: Date;
  session: SessionIdentity;
  message: InboundMessage;
}

/** A tick's prompt, stored: its turn is to be queued. */
export interface StoredPrompt {
  messageId: string;
  sessionKey: string;
}

export interface FiredTicks {
  /** Ticks moved on (each fired once, by this call). */
  fired: number;
  /** Due schedules disabled instead, their firing not worked out (see fireDue). */
  disabled: number;
  /** Their prompts as stored, a session's in the order they were stored; a prompt stored before is left out. */
  prompts: StoredPrompt[];
}

/** A schedule's following tick, for the tick it follows. */
export interface FollowingTick {
  id: string;
  tick: Date;
  following: Date;
}

// Rows another replica is firing are skipped, not waited for; the locks last until the firing commits.
const TAKE_DUE: SqlStatement = {
  name: 'scheduled_prompt_take_due',
  text: `
    SELECT * FROM "ScheduledPrompt" WHERE "enabled" AND "nextRunAt" <= $1::timestamptz
    ORDER BY "nextRunAt" LIMIT $2::int FOR UPDATE SKIP LOCKED`,
};

// Moves the taken schedules on and stores their ticks' prompts the way sb_accept_inbound stores an
// inbound message (session created with its first conversation or its activity recorded, message in
// the session's active conversation unless stored before, pending row), for all of them at once: sessions upserted once each, and the messages of one session given
// increasing creation times. Sessions are locked in the order of their keys' characters (COLLATE
// "C"), as batches of inbound messages lock them (StatementBatcher's lockOrderKey): no deadlock.
const FIRE: SqlStatement = {
  name: 'scheduled_prompt_fire',
  text: `
    WITH firing AS (
      SELECT * FROM jsonb_to_recordset($1::jsonb) AS f(
        "scheduleId" uuid, "tick" timestamptz, "next" timestamptz, "key" text, "agentId" text, "platform" text,
        "accountId" text, "chatType" "ChatType", "chatId" text, "threadId" text, "at" timestamptz,
        "platformMessageId" text, "senderId" text, "senderName" text, "text" text, "attachments" jsonb, "metadata" jsonb)),
    moved AS (
      UPDATE "ScheduledPrompt" s SET "nextRunAt" = f."next", "followingRunAt" = NULL, "lastRunAt" = f."tick"
      FROM firing f WHERE s."id" = f."scheduleId"),
    session AS (
      INSERT INTO "Session" ("id", "key", "agentId", "platform", "accountId", "chatType", "chatId", "threadId", "updatedAt",
                             "lastActivityAt", "conversationId")
      SELECT DISTINCT ON (f."key" COLLATE "C") gen_random_uuid(), f."key", f."agentId", f."platform", f."accountId", f."chatType",
             f."chatId", f."threadId", f."at", f."at", gen_random_uuid()
      FROM firing f ORDER BY f."key" COLLATE "C"
      ON CONFLICT ("key") DO UPDATE SET "lastActivityAt" = EXCLUDED."lastActivityAt", "updatedAt" = EXCLUDED."updatedAt"
      RETURNING "id", "key", "conversationId"),
    conversation AS (
      INSERT INTO "Conversation" ("id", "sessionId", "createdAt")
      SELECT s."conversationId", s."id", now() FROM session s
      ON CONFLICT ("id") DO NOTHING),
    inserted AS (
      INSERT INTO "Message" ("id", "sessionId", "conversationId", "direction", "role", "platform", "accountId", "platformMessageId",
                             "senderId", "senderName", "text", "attachments", "metadata", "createdAt")
      SELECT gen_random_uuid(), s."id", s."conversationId", 'inbound', 'user', f."platform", f."accountId", f."platformMessageId",
             f."senderId", f."senderName", f."text", f."attachments", f."metadata",
             greatest(clock_timestamp(), (SELECT max(x."createdAt") + interval '1 millisecond' FROM "Message" x WHERE x."sessionId" = s."id"))
               + (row_number() OVER (PARTITION BY s."id" ORDER BY f."platformMessageId") - 1) * interval '1 millisecond'
      FROM firing f JOIN session s ON s."key" = f."key"
      ON CONFLICT ("platform", "accountId", "direction", "platformMessageId") DO NOTHING
      RETURNING "id", "sessionId", "createdAt"),
    pending AS (
      INSERT INTO "PendingMessage" ("messageId", "queuedAt") SELECT i."id", now() FROM inserted i)
    SELECT i."id" AS "messageId", s."key" AS "sessionKey"
    FROM inserted i JOIN session s ON s."id" = i."sessionId"
    ORDER BY i."createdAt"`,
};

const DISABLE: SqlStatement = {
  name: 'scheduled_prompt_disable',
  text: `UPDATE "ScheduledPrompt" SET "enabled" = false WHERE "id" = ANY($1::uuid[])`,
};

const WITHOUT_FOLLOWING: SqlStatement = {
  name: 'scheduled_prompt_without_following',
  text: `
    SELECT * FROM "ScheduledPrompt" WHERE "followingRunAt" IS NULL AND "enabled"
    ORDER BY "nextRunAt" LIMIT $1::int`,
};

// A schedule that fired meanwhile keeps its new tick's following unset, to be worked out again.
const SET_FOLLOWING: SqlStatement = {
  name: 'scheduled_prompt_set_following',
  text: `
    UPDATE "ScheduledPrompt" s SET "followingRunAt" = a."following"
    FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[]) AS a("id", "tick", "following")
    WHERE s."id" = a."id" AND s."nextRunAt" = a."tick" AND s."followingRunAt" IS NULL`,
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

  /**
   * Fires up to `limit` ticks due at `now`, earliest first, in one transaction: takes the due
   * schedules no other replica is firing, asks `firingOf` for each one's next tick and prompt, then
   * moves them on and stores the prompts in one statement. A tick moves on with its prompt stored,
   * or neither does; a tick fires once however many replicas tick at the same time. A schedule
   * whose firing `firingOf` cannot work out (null) is disabled, so it never holds up the others.
   */
  async fireDue(now: Date, limit: number, firingOf: (schedule: ScheduledPromptRecord) => TickFiring | null): Promise<FiredTicks> {
    return this.db.sql.transaction(async (sql) => {
      const due = (await sql.query<ScheduledPromptRow>(TAKE_DUE, [now, limit])).map(toScheduledPrompt);
      const firings = [];
      const disabled: string[] = [];
      for (const schedule of due) {
        const firing = firingOf(schedule);
        if (!firing) {
          disabled.push(schedule.id);
          continue;
        }
        const { next, session, message } = firing;
        firings.push({ scheduleId: schedule.id, tick: schedule.nextRunAt, next, ...acceptCallOf(session, message, now) });
      }
      if (disabled.length) await sql.query(DISABLE, [disabled]);
      const prompts = firings.length ? await sql.query<StoredPrompt>(FIRE, [toJsonArgument(firings)]) : [];
      return { fired: firings.length, disabled: disabled.length, prompts };
    });
  }

  /** Stops schedules from firing (their ticks can no longer be worked out); they stay stored. */
  async disable(ids: string[]): Promise<void> {
    if (ids.length) await this.db.sql.query(DISABLE, [ids]);
  }

  /** Enabled schedules whose following tick is not worked out, earliest tick first. */
  async withoutFollowing(limit: number): Promise<ScheduledPromptRecord[]> {
    return (await this.db.sql.query<ScheduledPromptRow>(WITHOUT_FOLLOWING, [limit])).map(toScheduledPrompt);
  }

  /** Records each schedule's following tick, unless the schedule has moved on from `tick` meanwhile. */
  async setFollowing(ticks: FollowingTick[]): Promise<void> {
    if (!ticks.length) return;
    await this.db.sql.query(SET_FOLLOWING, [ticks.map((t) => t.id), ticks.map((t) => t.tick), ticks.map((t) => t.following)]);
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
    followingRunAt: row.followingRunAt,
    createdAt: row.createdAt,
  };
}
