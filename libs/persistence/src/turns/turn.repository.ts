import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '../database';
import { DATABASE } from '../database.token';
import type { Attachment } from '@switchboard/core';
import type { Prisma, Session as SessionRow } from '../generated/prisma/client';
import type { HistoryEntry, StoredInbound } from '../messages/message.repository';
import { type SessionRecord, toSession } from '../sessions/session.repository';
import type { SqlStatement } from '../sql-client';

export type TurnState = 'running' | 'generated' | 'delivered' | 'failed';

/** One platform message of a reply. */
export interface DeliveryPartRecord {
  id: string;
  index: number;
  text: string;
  /** Set once the platform accepted the message (a streaming draft gets one early). */
  platformMessageId: string | null;
  /** Set once the platform holds the final text. */
  deliveredAt: Date | null;
}

export interface TurnRecord {
  id: string;
  inboundMessageId: string;
  status: TurnState;
  attempts: number;
  parts: DeliveryPartRecord[];
}

export interface GeneratedReply {
  text: string;
  /** The text split for the platform, in order. */
  parts: string[];
  model: string | null;
  inputTokens?: number;
  outputTokens?: number;
}

type TurnRow = Prisma.TurnGetPayload<object>;

// The statements every message runs, each one round trip of plain SQL (see SqlClient).

const BEGIN_TURN: SqlStatement = {
  name: 'turn_begin',
  text: `
    INSERT INTO "Turn" ("id", "inboundMessageId", "attempts", "updatedAt")
    VALUES (gen_random_uuid(), $1::uuid, 1, now())
    ON CONFLICT ("inboundMessageId") DO UPDATE SET "attempts" = "Turn"."attempts" + 1, "updatedAt" = now()
    RETURNING *`,
};

// The message with its session, its turn (begun or resumed: the attempt is counted) and the
// conversation before it since the session's last reset ($2 entries at most).
const START_TURN: SqlStatement = {
  name: 'turn_start',
  text: `
    WITH turn AS (
      INSERT INTO "Turn" ("id", "inboundMessageId", "attempts", "updatedAt")
      SELECT gen_random_uuid(), m."id", 1, now() FROM "Message" m WHERE m."id" = $1::uuid AND m."direction" = 'inbound'
      ON CONFLICT ("inboundMessageId") DO UPDATE SET "attempts" = "Turn"."attempts" + 1, "updatedAt" = now()
      RETURNING *)
    SELECT s.*,
           m."platformMessageId" AS "m_platformMessageId", m."senderId" AS "m_senderId", m."senderName" AS "m_senderName",
           m."text" AS "m_text", m."attachments" AS "m_attachments", m."createdAt" AS "m_createdAt",
           turn."id" AS "t_id", turn."status" AS "t_status", turn."attempts" AS "t_attempts",
           (SELECT coalesce(json_agg(json_build_object('id', p."id", 'index', p."index", 'text', p."text",
                                                       'platformMessageId', p."platformMessageId", 'deliveredAt', p."deliveredAt")
                                     ORDER BY p."index"), '[]'::json)
            FROM "DeliveryPart" p WHERE p."turnId" = turn."id") AS "t_parts",
           (SELECT coalesce(json_agg(json_build_object('role', h."role", 'text', h."text", 'senderName', h."senderName",
                                                       'createdAt', h."createdAt")
                                     ORDER BY h."createdAt"), '[]'::json)
            FROM (SELECT x."role", x."text", x."senderName", x."createdAt" FROM "Message" x
                  WHERE x."sessionId" = s."id" AND x."role" IN ('user', 'assistant') AND x."id" <> m."id"
                    AND x."createdAt" <= m."createdAt" AND (s."resetAt" IS NULL OR x."createdAt" > s."resetAt")
                  ORDER BY x."createdAt" DESC
                  LIMIT $2) h) AS "history"
    FROM turn JOIN "Message" m ON m."id" = turn."inboundMessageId" JOIN "Session" s ON s."id" = m."sessionId"`,
};

// $1 turn, $2 session, $3 text, $4/$5 tokens, $6 metadata, $7 parts (text[]), $8 new status, $9 model.
const SAVE_GENERATED: SqlStatement = {
  name: 'turn_save_generated',
  text: `
    WITH reply AS (
      INSERT INTO "Message" ("id", "sessionId", "direction", "role", "platform", "accountId", "text", "inputTokens", "outputTokens", "metadata")
      SELECT gen_random_uuid(), $2::uuid, 'outbound', 'assistant', m."platform", m."accountId", $3, $4::int, $5::int, $6::jsonb
      FROM "Turn" t JOIN "Message" m ON m."id" = t."inboundMessageId"
      WHERE t."id" = $1::uuid
      RETURNING "id"),
    stale AS (DELETE FROM "DeliveryPart" WHERE "turnId" = $1::uuid AND "index" >= cardinality($7::text[])),
    parts AS (
      INSERT INTO "DeliveryPart" ("id", "turnId", "index", "text", "updatedAt")
      SELECT gen_random_uuid(), $1::uuid, part.ordinality - 1, part.text, now()
      FROM unnest($7::text[]) WITH ORDINALITY AS part(text, ordinality)
      ON CONFLICT ("turnId", "index") DO UPDATE SET "text" = EXCLUDED."text", "updatedAt" = now()
      RETURNING *),
    turn AS (
      UPDATE "Turn" SET "status" = $8::"TurnStatus", "replyMessageId" = (SELECT "id" FROM reply), "model" = $9,
                        "error" = NULL, "updatedAt" = now()
      WHERE "id" = $1::uuid
      RETURNING *)
    SELECT turn."id", turn."inboundMessageId", turn."status", turn."attempts",
           parts."id" AS "partId", parts."index" AS "partIndex", parts."text" AS "partText",
           parts."platformMessageId" AS "partPlatformMessageId", parts."deliveredAt" AS "partDeliveredAt"
    FROM turn LEFT JOIN parts ON true
    ORDER BY parts."index"`,
};

// With $4 true, the turn is complete too.
const MARK_PART_DELIVERED: SqlStatement = {
  name: 'turn_mark_part_delivered',
  text: `
    WITH part AS (
      UPDATE "DeliveryPart" SET "platformMessageId" = $2, "deliveredAt" = now(), "updatedAt" = now()
      WHERE "id" = $1::uuid)
    UPDATE "Turn" SET "status" = 'delivered', "updatedAt" = now() WHERE "id" = $3::uuid AND $4::boolean`,
};

const MARK_DELIVERED: SqlStatement = {
  name: 'turn_mark_delivered',
  text: `UPDATE "Turn" SET "status" = 'delivered', "updatedAt" = now() WHERE "id" = $1::uuid`,
};

const MARK_FAILED: SqlStatement = {
  name: 'turn_mark_failed',
  text: `UPDATE "Turn" SET "status" = 'failed', "error" = $2, "updatedAt" = now() WHERE "id" = $1::uuid`,
};

/**
 * The steps of answering one message, each recorded before the next starts, so that after a
 * crash the worker resumes where it was: regenerate (editing the draft already on the platform),
 * or only deliver the parts the platform has not confirmed.
 */
@Injectable()
export class TurnRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /**
   * Everything a turn starts from, in one statement: the message, its session, its turn (created
   * on the first attempt; the attempt is counted) and up to `historyLimit` earlier messages of the
   * conversation. Null when the message no longer exists (deleted with its session).
   */
  async start(inboundMessageId: string, historyLimit: number): Promise<TurnStart | null> {
    const [row] = await this.db.sql.query<StartRow>(START_TURN, [inboundMessageId, historyLimit]);
    if (!row) return null;
    const session = toSession(row);
    return {
      session,
      inbound: {
        id: inboundMessageId,
        sessionId: session.id,
        platform: session.platform,
        accountId: session.accountId,
        platformMessageId: row.m_platformMessageId,
        senderId: row.m_senderId,
        senderName: row.m_senderName,
        text: row.m_text,
        attachments: row.m_attachments,
        createdAt: row.m_createdAt,
      },
      turn: {
        id: row.t_id,
        inboundMessageId,
        status: row.t_status,
        attempts: row.t_attempts,
        parts: row.t_parts.map((part) => ({ ...part, deliveredAt: part.deliveredAt === null ? null : new Date(part.deliveredAt) })),
      },
      history: row.history.map((entry) => ({ ...entry, createdAt: new Date(entry.createdAt) })),
    };
  }

  /** The turn of an inbound message, created on the first attempt; counts the attempt. */
  async begin(inboundMessageId: string): Promise<TurnRecord> {
    // One statement for the turn (every message runs this), then its parts.
    const [turn] = await this.db.sql.query<TurnRow>(BEGIN_TURN, [inboundMessageId]);
    const parts = turn.status === 'running' && turn.attempts === 1 ? [] : await this.db.prisma.deliveryPart.findMany({
      where: { turnId: turn.id },
      orderBy: { index: 'asc' },
    });
    return toTurn({ ...turn, parts });
  }

  /** Remembers the streaming draft message as part 0 before any more is streamed into it. */
  async recordDraft(turnId: string, platformMessageId: string): Promise<void> {
    await this.db.prisma.deliveryPart.upsert({
      where: { turnId_index: { turnId, index: 0 } },
      create: { turnId, index: 0, platformMessageId },
      update: { platformMessageId },
    });
  }

  /**
   * Stores the finished reply in one statement: the assistant message (with usage), the parts to
   * deliver and the turn's new status. Part 0 keeps the draft's platform message id, so delivery
   * edits the draft instead of sending again. `status` is 'delivered' for a caller that shows the
   * reply itself (web chat, API), which has no parts to deliver.
   */
  async saveGenerated(
    turnId: string,
    sessionId: string,
    reply: GeneratedReply,
    status: 'generated' | 'delivered' = 'generated',
  ): Promise<TurnRecord> {
    const rows = await this.db.sql.query<SavedTurnRow>(SAVE_GENERATED, [
      turnId,
      sessionId,
      reply.text,
      reply.inputTokens ?? null,
      reply.outputTokens ?? null,
      JSON.stringify({ model: reply.model }),
      reply.parts,
      status,
      reply.model,
    ]);
    const [turn] = rows;
    if (!turn) throw new Error(`turn ${turnId} does not exist`);
    return {
      id: turn.id,
      inboundMessageId: turn.inboundMessageId,
      status: turn.status,
      attempts: turn.attempts,
      parts: rows
        .filter((row) => row.partId !== null)
        .map((row) => ({
          id: row.partId!,
          index: row.partIndex!,
          text: row.partText!,
          platformMessageId: row.partPlatformMessageId,
          deliveredAt: row.partDeliveredAt,
        })),
    };
  }

  /** The platform holds this part's final text; with `turnDelivered`, the whole reply too (one statement). */
  async markPartDelivered(turnId: string, partId: string, platformMessageId: string, turnDelivered: boolean): Promise<void> {
    await this.db.sql.query(MARK_PART_DELIVERED, [partId, platformMessageId, turnId, turnDelivered]);
  }

  async markDelivered(turnId: string): Promise<void> {
    await this.db.sql.query(MARK_DELIVERED, [turnId]);
  }

  async markFailed(turnId: string, error: string): Promise<void> {
    await this.db.sql.query(MARK_FAILED, [turnId, error.slice(0, 2000)]);
  }
}

/** What a turn starts from (see TurnRepository.start). */
export interface TurnStart {
  inbound: StoredInbound;
  session: SessionRecord;
  turn: TurnRecord;
  /** The conversation before the message since the session's last reset, oldest first. */
  history: HistoryEntry[];
}

// JSON carries timestamps as text.
type JsonDates<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };

type StartRow = SessionRow & {
  m_platformMessageId: string | null;
  m_senderId: string | null;
  m_senderName: string | null;
  m_text: string;
  m_attachments: Attachment[];
  m_createdAt: Date;
  t_id: string;
  t_status: TurnState;
  t_attempts: number;
  t_parts: JsonDates<DeliveryPartRecord>[];
  history: JsonDates<HistoryEntry>[];
};

interface SavedTurnRow {
  id: string;
  inboundMessageId: string;
  status: TurnState;
  attempts: number;
  partId: string | null;
  partIndex: number | null;
  partText: string | null;
  partPlatformMessageId: string | null;
  partDeliveredAt: Date | null;
}

function toTurn(row: TurnRow & { parts: Prisma.DeliveryPartGetPayload<object>[] }): TurnRecord {
  return {
    id: row.id,
    inboundMessageId: row.inboundMessageId,
    status: row.status,
    attempts: row.attempts,
    parts: row.parts.map((part) => ({
      id: part.id,
      index: part.index,
      text: part.text,
      platformMessageId: part.platformMessageId,
      deliveredAt: part.deliveredAt,
    })),
  };
}
