import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '../database';
import { DATABASE } from '../database.token';
import type { SqlStatement } from '../sql-client';
import { type TurnHolder, TurnWriteRefused } from '../turns/turn.repository';

export type ToolCallState = 'pending' | 'running' | 'pending_approval' | 'approved' | 'denied' | 'expired' | 'completed';

/** A tool call of a turn as recorded (see model ToolCall). */
export interface ToolCallRecord {
  id: string;
  turnId: string;
  step: number;
  index: number;
  callId: string;
  tool: string;
  /** JSON text as the model sent it. */
  arguments: string;
  stepText: string;
  status: ToolCallState;
  result: string | null;
  isError: boolean;
  durationMs: number | null;
  expiresAt: Date | null;
  decidedBy: string | null;
}

/** One call of a model step, as recorded before any of the step's calls runs. */
export interface NewToolCall {
  index: number;
  callId: string;
  tool: string;
  arguments: string;
  status: 'pending' | 'pending_approval' | 'completed';
  /** Set for a call answered without running (unknown tool, invalid arguments, not permitted). */
  result?: string;
  isError?: boolean;
  expiresAt?: Date;
}

export interface ToolStep {
  turnId: string;
  sessionId: string;
  senderId: string | null;
  step: number;
  stepText: string;
  calls: NewToolCall[];
}

/** A call moved out of its wait for approval (see ToolCallRepository.decide). */
export interface ToolCallDecision {
  status: 'approved' | 'denied' | 'expired';
  tool: string;
  messageId: string;
  sessionKey: string;
  /** The job that resumes the turn. */
  jobId: string;
}

const guarded = (fn: string): SqlStatement => ({ name: `tool_${fn}`, text: `SELECT "refused" FROM "${fn}"($1::jsonb)` });
const RECORD_STEP = guarded('sb_record_tool_step');
const UPDATE_CALL = guarded('sb_update_tool_call');
const PARK_TURN = guarded('sb_park_turn');
const DECIDE: SqlStatement = { name: 'tool_sb_decide_tool_call', text: `SELECT * FROM "sb_decide_tool_call"($1::jsonb)` };

const COLUMNS = `"id", "turnId", "step", "index", "callId", "tool", "arguments", "stepText", "status", "result", "isError",
  "durationMs", "expiresAt", "decidedBy"`;

const OF_TURN: SqlStatement = {
  name: 'tool_calls_of_turn',
  text: `SELECT ${COLUMNS} FROM "ToolCall" WHERE "turnId" = $1::uuid ORDER BY "step", "index"`,
};

const WAITING_IN_SESSION: SqlStatement = {
  name: 'tool_calls_waiting_in_session',
  text: `SELECT ${COLUMNS} FROM "ToolCall" WHERE "sessionId" = $1::uuid AND "status" = 'pending_approval' ORDER BY "createdAt"`,
};

// Only calls of turns that still run: sb_decide_tool_call decides no other.
const EXPIRED: SqlStatement = {
  name: 'tool_calls_expired',
  text: `SELECT tc."id" FROM "ToolCall" tc JOIN "Turn" t ON t."id" = tc."turnId"
    WHERE tc."status" = 'pending_approval' AND tc."expiresAt" <= now() AND t."status" = 'running'
    ORDER BY tc."expiresAt" LIMIT $1::int`,
};

const CLOSE_PARKED: SqlStatement = { name: 'tool_sb_close_parked_turns', text: `SELECT "turnId", "refused" FROM "sb_close_parked_turns"($1::jsonb)` };

/** How a later turn closes the turns it makes moot (see ToolCallRepository.closeParked). */
export interface ParkedTurnsClosing {
  /** Only turns of the later message's conversation (those its history holds). */
  sameConversation: boolean;
  /** Also turns whose call was approved but has not run yet. */
  approvedToo: boolean;
  /** The result the model would have got for their calls that did not run. */
  result: string;
  /** Why their turns failed. */
  error: string;
  /** platform:userId of who stopped them, if anyone did. */
  decidedBy?: string;
}

/**
 * The tool calls of turns, recorded before they run and completed with their results; a turn
 * resumed (after a crash, or an approval) replays what is recorded instead of running a call
 * again. Writes are fenced like the turn's own (TurnWriteRefused).
 */
@Injectable()
export class ToolCallRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** The turn's calls in order (step, then index). */
  async ofTurn(turnId: string): Promise<ToolCallRecord[]> {
    return this.db.sql.query<ToolCallRecord>(OF_TURN, [turnId]);
  }

  /** Records a model step's calls; a step recorded before keeps its rows. */
  async recordStep(step: ToolStep, holder: TurnHolder): Promise<void> {
    await this.write(RECORD_STEP, 'recording tool calls', { ...step, holder });
  }

  /** Moves a call from one of `from` to `status` (with its result); refused when it is in none of them. */
  async update(
    turnId: string,
    id: string,
    from: ToolCallState[],
    change: { status: ToolCallState; result?: string; isError?: boolean; durationMs?: number },
    holder: TurnHolder,
  ): Promise<void> {
    await this.write(UPDATE_CALL, `updating tool call ${id}`, { turnId, id, from, ...change, holder });
  }

  /**
   * Parks the turn while a call waits for approval (its message no longer pending, its draft left
   * in the chat). Resolves false when no call waits any more (one expired meanwhile).
   */
  async park(turnId: string, holder: TurnHolder): Promise<boolean> {
    try {
      await this.write(PARK_TURN, 'parking the turn', { turnId, holder });
      return true;
    } catch (refusal) {
      if (refusal instanceof TurnWriteRefused && refusal.reason === 'decided') return false;
      throw refusal;
    }
  }

  /** The calls of a session that wait for approval, oldest first. */
  async waitingInSession(sessionId: string): Promise<ToolCallRecord[]> {
    return this.db.sql.query<ToolCallRecord>(WAITING_IN_SESSION, [sessionId]);
  }

  /**
   * Closes the turns that a later turn (`turnId`, run by `holder`) makes moot: those of the
   * session's messages accepted before its own that wait for a tool call's approval, or whose
   * waiting call was decided but that have not resumed yet. Their calls that did not run are
   * denied and the turns fail, so nothing resumes them; resolves their ids. Serialised with
   * `decide` on the turns' rows: a decision after this finds no call waiting.
   */
  async closeParked(turnId: string, holder: TurnHolder, closing: ParkedTurnsClosing): Promise<string[]> {
    const rows = await this.db.sql.query<{ turnId: string | null; refused: string | null }>(CLOSE_PARKED, [
      JSON.stringify({ turnId, holder, ...closing, decidedBy: closing.decidedBy ?? null }),
    ]);
    const refused = rows.find((row) => row.refused !== null)?.refused;
    if (refused) throw new TurnWriteRefused(turnId, 'closing parked turns', refused);
    return rows.map((row) => row.turnId!);
  }

  /**
   * Approves, denies or expires a waiting call (an answer after its expiry expires it) and makes
   * its turn's message pending again; null when the call was not waiting (or its turn was closed).
   */
  async decide(id: string, decision: ToolCallDecision['status'], decidedBy: string): Promise<ToolCallDecision | null> {
    const [row] = await this.db.sql.query<ToolCallDecision>(DECIDE, [JSON.stringify({ id, decision, decidedBy })]);
    return row ?? null;
  }

  /** Ids of waiting calls past their expiry, oldest first. */
  async expired(limit: number): Promise<string[]> {
    const rows = await this.db.sql.query<{ id: string }>(EXPIRED, [limit]);
    return rows.map((row) => row.id);
  }

  private async write(statement: SqlStatement, write: string, call: { turnId: string } & Record<string, unknown>): Promise<void> {
    const [row] = await this.db.sql.query<{ refused: string | null }>(statement, [JSON.stringify(call)]);
    if (row.refused !== null) throw new TurnWriteRefused(call.turnId, write, row.refused);
  }
}
