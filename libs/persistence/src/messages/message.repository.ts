import { Inject, Injectable } from '@nestjs/common';
import type { Attachment, InboundMessage } from '@switchboard/core';
import type { Database } from '../database';
import { DATABASE } from '../database.token';
import type { Session as SessionRow } from '../generated/prisma/client';
import { type SessionIdentity, type SessionRecord, toSession } from '../sessions/session.repository';
import type { SqlStatement } from '../sql-client';

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
  role: 'user' | 'assistant';
  text: string;
  senderName: string | null;
  createdAt: Date;
}

export interface HistoryWindow {
  /** Only messages after this instant (the session's last reset). */
  after: Date | null;
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
}

type AcceptRow = SessionRow & { previousActivityAt: Date | null; messageId: string | null; messageCreatedAt: Date | null };

// The statements every message runs, each one round trip of plain SQL (see SqlClient).

const ACCEPT_INBOUND: SqlStatement = {
  name: 'message_accept_inbound',
  text: `
    WITH previous AS (SELECT "lastActivityAt" FROM "Session" WHERE "key" = $1),
    session AS (
      INSERT INTO "Session" ("id", "key", "agentId", "platform", "accountId", "chatType", "chatId", "threadId", "updatedAt", "lastActivityAt")
      VALUES (gen_random_uuid(), $1, $2, $3, $4, $5::"ChatType", $6, $7, $8, $8)
      ON CONFLICT ("key") DO UPDATE SET "lastActivityAt" = EXCLUDED."lastActivityAt", "updatedAt" = EXCLUDED."updatedAt"
      RETURNING *),
    inserted AS (
      INSERT INTO "Message" ("id", "sessionId", "direction", "role", "platform", "accountId", "platformMessageId",
                             "senderId", "senderName", "text", "attachments", "metadata")
      SELECT gen_random_uuid(), session."id", 'inbound', 'user', $3, $4, $9, $10, $11, $12, $13::jsonb, $14::jsonb
      FROM session
      ON CONFLICT ("platform", "accountId", "direction", "platformMessageId") DO NOTHING
      RETURNING "id", "createdAt")
    SELECT session.*, (SELECT "lastActivityAt" FROM previous) AS "previousActivityAt",
           inserted."id" AS "messageId", inserted."createdAt" AS "messageCreatedAt"
    FROM session LEFT JOIN inserted ON true`,
};

const INBOUND_EXISTS: SqlStatement = {
  name: 'message_inbound_exists',
  text: `
    SELECT 1 FROM "Message"
    WHERE "platform" = $1 AND "accountId" = $2 AND "direction" = 'inbound' AND "platformMessageId" = $3
    LIMIT 1`,
};

// $3 (after) and $4 (excluded id) may be null.
const HISTORY: SqlStatement = {
  name: 'message_history',
  text: `
    SELECT "role"::text AS "role", "text", "senderName", "createdAt" FROM "Message"
    WHERE "sessionId" = $1::uuid AND "role" IN ('user', 'assistant') AND "createdAt" <= $2::timestamptz
      AND ($3::timestamptz IS NULL OR "createdAt" > $3::timestamptz)
      AND ($4::uuid IS NULL OR "id" <> $4::uuid)
    ORDER BY "createdAt" DESC
    LIMIT $5`,
};

@Injectable()
export class MessageRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /**
   * Stores an accepted message and records its session's activity (creating the session on
   * first use), in one statement.
   */
  async acceptInbound(identity: SessionIdentity, message: InboundMessage, at: Date): Promise<AcceptedInbound> {
    const senderName = message.sender.displayName ?? message.sender.username ?? null;
    const metadata = { replyToMessageId: message.replyToMessageId ?? null, receivedAt: message.receivedAt.toISOString() };
    const [row] = await this.db.sql.query<AcceptRow>(ACCEPT_INBOUND, [
      identity.key,
      identity.agentId,
      identity.platform,
      identity.accountId,
      identity.chatType,
      identity.chatId,
      identity.threadId ?? null,
      at,
      message.platformMessageId,
      message.sender.id,
      senderName,
      message.text,
      JSON.stringify(message.attachments),
      JSON.stringify(metadata),
    ]);
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
    return { session, previousActivityAt: row.previousActivityAt, message: stored };
  }

  async existsInbound(platform: string, accountId: string, platformMessageId: string): Promise<boolean> {
    const rows = await this.db.sql.query(INBOUND_EXISTS, [platform, accountId, platformMessageId]);
    return rows.length > 0;
  }

  /** The conversation the model sees: user and assistant messages in the window, oldest first. */
  async history(sessionId: string, window: HistoryWindow): Promise<HistoryEntry[]> {
    const rows = await this.db.sql.query<HistoryEntry>(HISTORY, [sessionId, window.upTo, window.after, window.excludeId ?? null, window.limit]);
    return rows.reverse();
  }

  /** Accepted messages whose turn has not finished, oldest first, with their session's key: re-queued at start. */
  async findUnfinishedInbound(limit: number): Promise<Array<{ id: string; sessionKey: string }>> {
    const rows = await this.db.prisma.message.findMany({
      where: {
        direction: 'inbound',
        OR: [{ turn: { is: null } }, { turn: { is: { status: { in: ['running', 'generated'] } } } }],
      },
      orderBy: { createdAt: 'asc' },
      take: limit,
      select: { id: true, session: { select: { key: true } } },
    });
    return rows.map((row) => ({ id: row.id, sessionKey: row.session.key }));
  }
}
