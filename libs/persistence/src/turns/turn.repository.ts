import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '../database';
import { DATABASE } from '../database.token';
import type { Attachment } from '@switchboard/core';
import type { Session as SessionRow } from '../generated/prisma/client';
import type { HistoryEntry, StoredInbound } from '../messages/message.repository';
import { type SessionRecord, toSession } from '../sessions/session.repository';
import type { SqlStatement } from '../sql-client';
import { StatementBatcher } from '../statement-batcher';

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

// Statements of the rarer steps, each one round trip of plain SQL (see SqlClient).

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
  // The steps every message runs; calls made together share one statement (database functions
  // of the migration batched_hot_path).
  private readonly starts: StatementBatcher<{ messageId: string; historyLimit: number }, StartRow>;
  private readonly saves: StatementBatcher<SaveCall, SavedTurnRow>;
  private readonly deliveries: StatementBatcher<DeliveryCall, object>;

  constructor(@Inject(DATABASE) private readonly db: Database) {
    this.starts = new StatementBatcher(db.sql, 'sb_start_turn');
    this.saves = new StatementBatcher(db.sql, 'sb_save_generated');
    this.deliveries = new StatementBatcher(db.sql, 'sb_mark_part_delivered');
  }

  /**
   * Everything a turn starts from, in one statement: the message, its session, its turn (created
   * on the first attempt; the attempt is counted) and up to `historyLimit` earlier messages of the
   * conversation. Null when the message no longer exists (deleted with its session).
   */
  async start(inboundMessageId: string, historyLimit: number): Promise<TurnStart | null> {
    const [row] = await this.starts.run({ messageId: inboundMessageId, historyLimit });
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
    const start = await this.start(inboundMessageId, 0);
    if (!start) throw new Error(`inbound message ${inboundMessageId} does not exist`);
    return start.turn;
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
    const rows = await this.saves.run({
      turnId,
      sessionId,
      text: reply.text,
      inputTokens: reply.inputTokens ?? null,
      outputTokens: reply.outputTokens ?? null,
      metadata: { model: reply.model },
      parts: reply.parts,
      status,
      model: reply.model,
    });
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
    await this.deliveries.run({ partId, platformMessageId, turnId, turnDelivered });
  }

  async markDelivered(turnId: string): Promise<void> {
    await this.db.sql.query(MARK_DELIVERED, [turnId]);
  }

  async markFailed(turnId: string, error: string): Promise<void> {
    await this.db.sql.query(MARK_FAILED, [turnId, error.slice(0, 2000)]);
  }

  /** Gives up on a message: its turn (started here if it never was) is failed, so it is no longer pending. */
  async failMessage(inboundMessageId: string, error: string): Promise<void> {
    const turn = await this.begin(inboundMessageId);
    await this.markFailed(turn.id, error);
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

/** A call of sb_save_generated. */
interface SaveCall {
  turnId: string;
  sessionId: string;
  text: string;
  inputTokens: number | null;
  outputTokens: number | null;
  metadata: { model: string | null };
  parts: string[];
  status: 'generated' | 'delivered';
  model: string | null;
}

/** A call of sb_mark_part_delivered. */
interface DeliveryCall {
  partId: string;
  platformMessageId: string;
  turnId: string;
  turnDelivered: boolean;
}

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
