import { Inject, Injectable } from '@nestjs/common';
import type { Attachment, InboundMessage } from '@switchboard/core';
import type { Database } from '../database';
import { DATABASE } from '../database.token';
import type { Session as SessionRow } from '../generated/prisma/client';
import { type SessionIdentity, type SessionRecord, toSession } from '../sessions/session.repository';
import type { SqlStatement } from '../sql-client';
import { StatementBatcher } from '../statement-batcher';

/** An accepted inbound message as stored (the durable record the queue job points at). */
export interface StoredInbound {
  id: string;
  sessionId: string;
  platform: string;
  accountId: string;
  platformMessageId: string | null;
  senderId: string | null;
  senderName: string | null;
  text: string;
  attachments: Attachment[];
  createdAt: Date;
}

export interface HistoryEntry {
  id: string;
  role: 'user' | 'assistant';
  text: string;
  senderName: string | null;
  createdAt: Date;
  /** For an answer in a turn's history (TurnRepository.start): the id of the message it answers. */
  replyTo?: string | null;
}

export interface HistoryWindow {
  /** Only messages of this conversation; omitted: the session's active one. */
  conversationId?: string;
  /** Only messages up to this instant (the message being answered)... */
  upTo: Date;
  /** ...but not this one (the caller adds the message being answered itself). */
  excludeId?: string;
  limit: number;
}

/** What storing an accepted message returns: its session (activity updated) and the stored row. */
export interface AcceptedInbound {
  session: SessionRecord;
  /** The session's activity time before this message; null for a new session. */
  previousActivityAt: Date | null;
  /** Null when the platform delivered this message before (same platform message id). */
  message: StoredInbound | null;
  /**
   * For a redelivery: the id of the message stored before (null while a concurrent delivery of
   * the same message is still storing it).
   */
  storedBeforeId: string | null;
}

type AcceptRow = SessionRow & {
  previousActivityAt: Date | null;
  messageId: string | null;
  messageCreatedAt: Date | null;
  storedBeforeId: string | null;
};

/** A call of the database function sb_accept_inbound (migration batched_hot_path). */
export interface AcceptCall {
  key: string;
  agentId: string;
  platform: string;
  accountId: string;
  chatType: string;
  chatId: string;
  threadId: string | null;
  at: Date;
  platformMessageId: string;
  senderId: string;
  senderName: string | null;
  text: string;
  attachments: Attachment[];
  metadata: Record<string, unknown>;
}

/** An accepted message whose turn has not finished. */
export interface PendingInbound {
  id: string;
  sessionKey: string;
  /** The job id to queue it with (the message id, or a resumed turn's own: see PendingMessage.jobId). */
  jobId: string;
}

// In the order the messages were accepted, so that a session's messages are queued again in turn.
const CLAIM_PENDING: SqlStatement = {
  name: 'pending_message_claim',
  text: `
    WITH due AS (
      SELECT p."messageId" FROM "PendingMessage" p JOIN "Message" m ON m."id" = p."messageId"
      WHERE p."queuedAt" < $1::timestamptz
      ORDER BY p."queuedAt", m."createdAt" LIMIT $2::int FOR UPDATE OF p SKIP LOCKED),
    claimed AS (
      UPDATE "PendingMessage" p SET "queuedAt" = greatest(now(), $1::timestamptz)
      FROM due WHERE p."messageId" = due."messageId"
      RETURNING p."messageId", p."jobId")
    SELECT c."messageId" AS "id", s."key" AS "sessionKey", coalesce(c."jobId", c."messageId"::text) AS "jobId"
    FROM claimed c JOIN "Message" m ON m."id" = c."messageId" JOIN "Session" s ON s."id" = m."sessionId"
    ORDER BY m."createdAt"`,
};

// Counts no further than $1: the cost stays bounded however long the backlog.
const COUNT_PENDING: SqlStatement = {
  name: 'pending_message_count',
  text: `SELECT count(*)::int AS "count" FROM (SELECT 1 FROM "PendingMessage" LIMIT $1::int) p`,
};

// $3 (the conversation: null for the active one) and $4 (excluded id) may be null.
const HISTORY: SqlStatement = {
  name: 'message_history',
  text: `
    SELECT "id", "role"::text AS "role", "text", "senderName", "createdAt" FROM "Message"
    WHERE "sessionId" = $1::uuid AND "role" IN ('user', 'assistant') AND "undoneAt" IS NULL
      AND "createdAt" <= $2::timestamptz AND ($4::uuid IS NULL OR "id" <> $4::uuid)
      AND "conversationId" = coalesce($3::uuid, (SELECT s."conversationId" FROM "Session" s WHERE s."id" = $1::uuid))
    ORDER BY "createdAt" DESC
    LIMIT $5`,
};

const COUNT_IN_CONVERSATION: SqlStatement = {
  name: 'message_count_in_conversation',
  text: `SELECT count(*)::int AS "count" FROM "Message"
    WHERE "sessionId" = $1::uuid AND "conversationId" = $2::uuid AND "role" IN ('user', 'assistant') AND "undoneAt" IS NULL`,
};

/** What accepting `message` into the session of `identity` stores (see sb_accept_inbound). */
export function acceptCallOf(identity: SessionIdentity, message: InboundMessage, at: Date): AcceptCall {
  return {
    key: identity.key,
    agentId: identity.agentId,
    platform: identity.platform,
    accountId: identity.accountId,
    chatType: identity.chatType,
    chatId: identity.chatId,
    threadId: identity.threadId ?? null,
    at,
    platformMessageId: message.platformMessageId,
    senderId: message.sender.id,
    senderName: message.sender.displayName ?? message.sender.username ?? null,
    text: message.text,
    attachments: message.attachments,
    metadata: { replyToMessageId: message.replyToMessageId ?? null, receivedAt: message.receivedAt.toISOString() },
  };
}

@Injectable()
export class MessageRepository {
  // Messages accepted together share one statement; batches take session rows in key order.
  private readonly accepts: StatementBatcher<AcceptCall, AcceptRow>;

  constructor(@Inject(DATABASE) private readonly db: Database) {
    this.accepts = new StatementBatcher(db.sql, 'sb_accept_inbound', { lockOrderKey: (call) => call.key });
  }

  /**
   * Stores an accepted message and records its session's activity (creating the session on
   * first use), in one statement. `message` is null when the platform delivered it before.
   */
  async acceptInbound(identity: SessionIdentity, message: InboundMessage, at: Date): Promise<AcceptedInbound> {
    const call = acceptCallOf(identity, message, at);
    const [row] = await this.accepts.run(call);
    const senderName = call.senderName;
    const session = toSession(row);
    const stored: StoredInbound | null =
      row.messageId && row.messageCreatedAt
        ? {
            id: row.messageId,
            sessionId: session.id,
            platform: message.platform,
            accountId: message.accountId,
            platformMessageId: message.platformMessageId,
            senderId: message.sender.id,
            senderName,
            text: message.text,
            attachments: message.attachments,
            createdAt: row.messageCreatedAt,
          }
        : null;
    return { session, previousActivityAt: row.previousActivityAt, message: stored, storedBeforeId: row.storedBeforeId };
  }

  /** The conversation the model sees: user and assistant messages in the window, oldest first. */
  async history(sessionId: string, window: HistoryWindow): Promise<HistoryEntry[]> {
    const rows = await this.db.sql.query<HistoryEntry>(HISTORY, [sessionId, window.upTo, window.conversationId ?? null, window.excludeId ?? null, window.limit]);
    return rows.reverse();
  }

  /** User and assistant messages of the session's conversation, undone ones left out. */
  async countInConversation(sessionId: string, conversationId: string | null): Promise<number> {
    const [row] = await this.db.sql.query<{ count: number }>(COUNT_IN_CONVERSATION, [sessionId, conversationId]);
    return row.count;
  }

  /** Takes messages out of what the model sees (/undo); they stay stored, marked with the time. */
  async markUndone(sessionId: string, ids: string[], at = new Date()): Promise<number> {
    const { count } = await this.db.prisma.message.updateMany({ where: { sessionId, id: { in: ids }, undoneAt: null }, data: { undoneAt: at } });
    return count;
  }

  /** Pending messages (accepted, turn not finished) of one session: while there are, it is busy. */
  async countPendingIn(sessionId: string): Promise<number> {
    return this.db.prisma.pendingMessage.count({ where: { message: { sessionId } } });
  }

  /** Pending messages (accepted, turn not finished), counted up to `limit`. */
  async countPending(limit: number): Promise<number> {
    const [row] = await this.db.sql.query<{ count: number }>(COUNT_PENDING, [limit]);
    return row.count;
  }

  /**
   * Claims up to `limit` pending messages (accepted, turn not finished) last queued before
   * `queuedBefore`, oldest first, and records them as queued now (never before `queuedBefore`, so
   * a sweep paging through them does not claim a row twice, whatever the clocks say). Returns them
   * with their session's key, in the order they were accepted. Replicas sweeping at once claim
   * different rows (SKIP LOCKED).
   */
  async claimPendingToRequeue(queuedBefore: Date, limit: number): Promise<PendingInbound[]> {
    return this.db.sql.query<PendingInbound>(CLAIM_PENDING, [queuedBefore, limit]);
  }
}
