import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '../database';
import { DATABASE } from '../database.token';
import { type Attachment, DomainError, ErrorCode } from '@switchboard/core';
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
  /**
   * Its sending started before; without a platform id it may be on the platform already (the
   * process died, or the send had no clear answer), so sending it again is a repeat.
   */
  sendStarted: boolean;
  /** Sent again after such a send: shown with the repeat marker. */
  repeated: boolean;
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
  /** Estimated from the configured prices (LLM_PRICES), in USD; unset when the model has no price. */
  costUsd?: number;
  /** Cut short (/stop, or a newer message): shown in the chat, but later turns leave it out. */
  stopped?: boolean;
}

/**
 * The session lock token of the run doing a write (see SessionLock). The run that started the
 * turn last holds the session; a write with another token is refused, so a run that lost its lock
 * to another cannot write after it.
 */
export type TurnHolder = string;

/**
 * A write the database refused (migration turn_guards): the turn was not in a state it may be
 * moved from, or another run holds its session now (`superseded`). Retryable: a later attempt
 * starts over from what is stored.
 */
export class TurnWriteRefused extends DomainError {
  constructor(
    readonly turnId: string,
    readonly write: string,
    /** 'status <state>', 'superseded', 'part sent', 'part delivered' or 'parts undelivered'. */
    readonly reason: string,
  ) {
    super(ErrorCode.TEMPORARY, `turn ${turnId}: ${write} refused (${reason})`);
    this.name = 'TurnWriteRefused';
  }

  /** The turn is delivered or failed already: nothing is left to do. */
  get turnFinished(): boolean {
    return this.reason === 'status delivered' || this.reason === 'status failed';
  }
}

// Statements of the rarer steps, each one round trip of plain SQL (see SqlClient).
const guardedWrite = (fn: string): SqlStatement => ({ name: `turn_${fn}`, text: `SELECT "refused" FROM "${fn}"($1::jsonb)` });
const RECORD_DRAFT = guardedWrite('sb_record_draft');
const PART_NOT_SENT = guardedWrite('sb_part_not_sent');
const MARK_DELIVERED = guardedWrite('sb_mark_delivered');
const MARK_FAILED = guardedWrite('sb_mark_failed');

/**
 * The steps of answering one message, each recorded before the next starts, so that after a
 * crash the worker resumes where it was: regenerate (editing the draft already on the platform),
 * or only deliver the parts the platform has not confirmed. The database checks every write (a
 * turn only moves from the states it may come from, and only for the run holding its session)
 * and a refused write throws TurnWriteRefused.
 */
@Injectable()
export class TurnRepository {
  // The steps every message runs; calls made together share one statement (database functions
  // of the migration batched_hot_path).
  private readonly starts: StatementBatcher<{ messageId: string; historyLimit: number; holder: TurnHolder | null }, StartRow>;
  private readonly saves: StatementBatcher<SaveCall, SavedTurnRow>;
  private readonly sendings: StatementBatcher<SendingCall, SendingRow>;
  private readonly deliveries: StatementBatcher<DeliveryCall, DeliveryRow>;

  constructor(@Inject(DATABASE) private readonly db: Database) {
    this.starts = new StatementBatcher(db.sql, 'sb_start_turn');
    this.saves = new StatementBatcher(db.sql, 'sb_save_generated');
    this.sendings = new StatementBatcher(db.sql, 'sb_part_sending');
    this.deliveries = new StatementBatcher(db.sql, 'sb_mark_part_delivered');
  }

  /**
   * Everything a turn starts from, in one statement: the message, its session, its turn (created
   * on the first attempt; the attempt is counted) and up to `historyLimit` earlier messages of the
   * conversation. The run starting it (`holder`) holds the session from now on: writes of other
   * runs are refused. Null when the message no longer exists (deleted with its session).
   */
  async start(inboundMessageId: string, historyLimit: number, holder: TurnHolder | null = null): Promise<TurnStart | null> {
    const [row] = await this.starts.run({ messageId: inboundMessageId, historyLimit, holder });
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
      later: row.later,
    };
  }

  /** The turn of an inbound message, created on the first attempt; counts the attempt (and, with a holder, holds the session). */
  async begin(inboundMessageId: string, holder: TurnHolder | null = null): Promise<TurnRecord> {
    const start = await this.start(inboundMessageId, 0, holder);
    if (!start) throw new Error(`inbound message ${inboundMessageId} does not exist`);
    return start.turn;
  }

  /**
   * Records, right before a part is sent (part 0 of a running turn: its streamed draft), that its
   * sending starts. Resolves whether this send is a repeat: an earlier one started and its
   * platform id was never recorded, so the platform may show the part already.
   */
  async partSending(turnId: string, index: number, holder: TurnHolder): Promise<{ repeated: boolean }> {
    const [row] = await this.sendings.run({ turnId, index, holder });
    if (!row || row.refused !== null) throw new TurnWriteRefused(turnId, `sending part ${index}`, row?.refused ?? 'missing');
    return { repeated: row.repeated! };
  }

  /** The platform clearly refused the send of this part: sending it again is no repeat. */
  async partNotSent(turnId: string, index: number, holder: TurnHolder): Promise<void> {
    await this.guarded(PART_NOT_SENT, 'clearing a send', { turnId, index, holder });
  }

  /** Remembers the streaming draft message as part 0 before any more is streamed into it. */
  async recordDraft(turnId: string, platformMessageId: string, holder: TurnHolder): Promise<void> {
    await this.guarded(RECORD_DRAFT, 'recording the draft', { turnId, platformMessageId, holder });
  }

  /**
   * Stores the finished reply in one statement: the assistant message (with usage), the parts to
   * deliver and the turn's new status. Part 0 keeps the draft's platform message id, so delivery
   * edits the draft instead of sending again. `status` is 'delivered' for a caller that shows the
   * reply itself (web chat, API), which has no parts to deliver. Only a running turn of the holder.
   */
  async saveGenerated(
    turnId: string,
    sessionId: string,
    reply: GeneratedReply,
    holder: TurnHolder,
    status: 'generated' | 'delivered' = 'generated',
  ): Promise<TurnRecord> {
    const rows = await this.saves.run({
      turnId,
      sessionId,
      holder,
      text: reply.text,
      inputTokens: reply.inputTokens ?? null,
      outputTokens: reply.outputTokens ?? null,
      metadata: { model: reply.model, ...(reply.costUsd !== undefined && { costUsd: reply.costUsd }), ...(reply.stopped && { stopped: true }) },
      parts: reply.parts,
      status,
      model: reply.model,
    });
    const [turn] = rows;
    if (!turn) throw new Error(`turn ${turnId} does not exist`);
    if (turn.refused !== null) throw new TurnWriteRefused(turnId, 'saving the reply', turn.refused);
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
          sendStarted: row.partSendStarted!,
          repeated: row.partRepeated!,
        })),
    };
  }

  /**
   * The platform holds this part's final text (a part of a generated turn not confirmed before);
   * the confirmation of the last part delivers the turn (one statement). Resolves whether it did.
   */
  async markPartDelivered(turnId: string, partId: string, platformMessageId: string, holder: TurnHolder): Promise<{ turnDelivered: boolean }> {
    const [row] = await this.deliveries.run({ partId, platformMessageId, turnId, holder });
    if (row.refused !== null) throw new TurnWriteRefused(turnId, 'confirming a part', row.refused);
    return { turnDelivered: row.turnDelivered };
  }

  /** A generated turn whose every part is confirmed is delivered. */
  async markDelivered(turnId: string, holder: TurnHolder): Promise<void> {
    await this.guarded(MARK_DELIVERED, 'completing the turn', { turnId, holder });
  }

  /**
   * Fails a turn that is not finished. Resolves false when it was delivered or failed already
   * (nothing changes); throws when another run holds the session.
   */
  async markFailed(turnId: string, error: string, holder: TurnHolder | null = null): Promise<boolean> {
    try {
      await this.guarded(MARK_FAILED, 'failing the turn', { turnId, error: error.slice(0, 2000), holder });
      return true;
    } catch (refusal) {
      if (refusal instanceof TurnWriteRefused && refusal.turnFinished) return false;
      throw refusal;
    }
  }

  /**
   * Gives up on a message (the queue does, holding no session): its turn (started here if it
   * never was) is failed, so it is no longer pending. Resolves false when it was finished already.
   */
  async failMessage(inboundMessageId: string, error: string): Promise<boolean> {
    const turn = await this.begin(inboundMessageId);
    return this.markFailed(turn.id, error, null);
  }

  private async guarded(statement: SqlStatement, write: string, call: { turnId: string } & Record<string, unknown>): Promise<void> {
    const [row] = await this.db.sql.query<{ refused: string | null }>(statement, [JSON.stringify(call)]);
    if (row.refused !== null) throw new TurnWriteRefused(call.turnId, write, row.refused);
  }
}

/** What a turn starts from (see TurnRepository.start). */
export interface TurnStart {
  inbound: StoredInbound;
  session: SessionRecord;
  turn: TurnRecord;
  /** The conversation before the message since the session's last reset, oldest first. */
  history: HistoryEntry[];
  /** The texts of the session's inbound messages that came after this one, oldest first. */
  later: string[];
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
  later: string[];
};

/** A call of sb_save_generated. */
interface SaveCall {
  turnId: string;
  sessionId: string;
  holder: TurnHolder;
  text: string;
  inputTokens: number | null;
  outputTokens: number | null;
  metadata: { model: string | null; costUsd?: number; stopped?: true };
  parts: string[];
  status: 'generated' | 'delivered';
  model: string | null;
}

/** A call of sb_part_sending. */
interface SendingCall {
  turnId: string;
  index: number;
  holder: TurnHolder;
}

interface SendingRow {
  partId: string | null;
  repeated: boolean | null;
  refused: string | null;
}

/** A call of sb_mark_part_delivered. */
interface DeliveryCall {
  partId: string;
  platformMessageId: string;
  turnId: string;
  holder: TurnHolder;
}

interface DeliveryRow {
  turnDelivered: boolean;
  refused: string | null;
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
  partSendStarted: boolean | null;
  partRepeated: boolean | null;
  refused: string | null;
}
