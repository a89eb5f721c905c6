import { Inject, Injectable } from '@nestjs/common';
import type { ChatType } from '@switchboard/core';
import type { Database } from '../database';
import { DATABASE } from '../database.token';
import type { Session as SessionRow } from '../generated/prisma/client';
import type { SqlStatement } from '../sql-client';

export interface SessionRecord {
  id: string;
  key: string;
  agentId: string;
  platform: string;
  accountId: string;
  chatType: ChatType;
  chatId: string;
  threadId: string | null;
  createdAt: Date;
  lastActivityAt: Date;
  /** When the chat last started a new conversation (/new, /reset, a reset policy, an operator). */
  resetAt: Date | null;
  /**
   * The conversation the model sees: the session's active one (in a turn, its message's own).
   * Null only for a session stored before any message joined it.
   */
  conversationId: string | null;
  /** The session's own settings (/model, /personality, /reasoning, /busy) and the conversation's title; null: the configured default. */
  settings: SessionSettings;
}

export interface SessionSettings {
  /** "provider:model". */
  model: string | null;
  /** Name of a configured personality. */
  personality: string | null;
  /** The conversation's, set with /title (null in `list`, which does not read it). */
  title: string | null;
  /** Reasoning effort asked of the model (/reasoning); null: the provider's default. */
  reasoning: ReasoningLevel | null;
  /** The model's thinking is shown in the chat (/reasoning show). */
  showReasoning: boolean;
  /** What a message arriving during an answer does here (/busy); null: AGENT_BUSY_MODE. */
  busyMode: SessionBusyMode | null;
}

export const REASONING_LEVELS = ['off', 'low', 'medium', 'high'] as const;
export type ReasoningLevel = (typeof REASONING_LEVELS)[number];

export const SESSION_BUSY_MODES = ['interrupt', 'queue', 'merge'] as const;
export type SessionBusyMode = (typeof SESSION_BUSY_MODES)[number];

export interface SessionIdentity {
  key: string;
  agentId: string;
  platform: string;
  accountId: string;
  chatType: ChatType;
  chatId: string;
  threadId?: string;
}

export interface SessionPage {
  sessions: SessionRecord[];
  totalCount: number;
}

@Injectable()
export class SessionRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** The session with its active conversation's title. */
  async findByKey(key: string): Promise<SessionRecord | null> {
    const [row] = await this.db.sql.query<SessionRow & { title: string | null }>(BY_KEY, [key]);
    return row ? toSession(row) : null;
  }

  /** The session with its active conversation's title. */
  async findById(id: string): Promise<SessionRecord | null> {
    const [row] = await this.db.sql.query<SessionRow & { title: string | null }>(BY_ID, [id]);
    return row ? toSession(row) : null;
  }

  /**
   * Starts a new conversation, which becomes the active one; the earlier one keeps its messages
   * (see ConversationRepository). `startedBy` owns it (null: the sender of its first message).
   * `from`: the messages of the earlier conversation accepted since then move to the new one (a
   * reset policy's conversation starts with the message that found the session stale). Resolves
   * the new conversation's id.
   */
  async reset(id: string, at: Date, options: { startedBy?: string | null; from?: Date } = {}): Promise<string> {
    const [row] = await this.db.sql.query<{ conversationId: string }>(START_CONVERSATION, [id, options.startedBy ?? null, at, options.from ?? null]);
    if (!row) throw new Error(`session ${id} does not exist`);
    return row.conversationId;
  }

  /** Changes the given settings; the others keep their value. */
  async updateSettings(id: string, settings: Partial<Omit<SessionSettings, 'title'>>): Promise<void> {
    await this.db.prisma.session.update({ where: { id }, data: settings });
  }

  /** The sessions of one chat of a platform account (its threads' included), most recently active first. */
  async inChat(chat: { platform: string; accountId: string; chatId: string }, limit: number): Promise<SessionRecord[]> {
    const rows = await this.db.sql.query<SessionRow & { title: string | null }>(IN_CHAT, [chat.platform, chat.accountId, chat.chatId, limit]);
    return rows.map(toSession);
  }

  async list(options: { limit: number; offset: number; search?: string }): Promise<SessionPage> {
    const where = options.search ? { key: { contains: options.search } } : {};
    const [rows, totalCount] = await Promise.all([
      this.db.prisma.session.findMany({ where, orderBy: { lastActivityAt: 'desc' }, take: options.limit, skip: options.offset }),
      this.db.prisma.session.count({ where }),
    ]);
    return { sessions: rows.map(toSession), totalCount };
  }

  async count(): Promise<number> {
    return this.db.prisma.session.count();
  }

  async delete(id: string): Promise<void> {
    await this.db.prisma.session.delete({ where: { id } });
  }
}

const WITH_TITLE = `SELECT s.*, c."title" FROM "Session" s LEFT JOIN "Conversation" c ON c."id" = s."conversationId"`;
const BY_KEY: SqlStatement = { name: 'session_by_key', text: `${WITH_TITLE} WHERE s."key" = $1` };
const BY_ID: SqlStatement = { name: 'session_by_id', text: `${WITH_TITLE} WHERE s."id" = $1::uuid` };
const IN_CHAT: SqlStatement = {
  name: 'sessions_in_chat',
  text: `${WITH_TITLE} WHERE s."platform" = $1 AND s."accountId" = $2 AND s."chatId" = $3 ORDER BY s."lastActivityAt" DESC, s."id" DESC LIMIT $4::int`,
};

// One statement: the conversation, the messages it takes over ($4 null: none) and the pointer to it.
const START_CONVERSATION: SqlStatement = {
  name: 'session_start_conversation',
  text: `
    WITH session AS (SELECT s."id", s."conversationId" FROM "Session" s WHERE s."id" = $1::uuid),
    started AS (
      INSERT INTO "Conversation" ("id", "sessionId", "startedBy", "createdAt")
      SELECT gen_random_uuid(), session."id", $2, $3::timestamptz FROM session
      RETURNING "id"),
    moved AS (
      UPDATE "Message" m SET "conversationId" = started."id" FROM started, session
      WHERE $4::timestamptz IS NOT NULL AND m."sessionId" = session."id" AND m."conversationId" = session."conversationId"
        AND m."createdAt" >= $4::timestamptz)
    UPDATE "Session" s SET "conversationId" = started."id", "resetAt" = $3::timestamptz, "updatedAt" = now()
    FROM started WHERE s."id" = $1::uuid
    RETURNING s."conversationId" AS "conversationId"`,
};

/** A Session row, with its conversation's title where the query adds it. */
export function toSession(row: SessionRow & { title?: string | null }): SessionRecord {
  return {
    id: row.id,
    key: row.key,
    agentId: row.agentId,
    platform: row.platform,
    accountId: row.accountId,
    chatType: row.chatType,
    chatId: row.chatId,
    threadId: row.threadId,
    createdAt: row.createdAt,
    lastActivityAt: row.lastActivityAt,
    resetAt: row.resetAt,
    conversationId: row.conversationId ?? null,
    // Rows of sb_accept_inbound carry only the busy mode (the inbound pipeline needs no other setting).
    settings: {
      model: row.model ?? null,
      personality: row.personality ?? null,
      title: row.title ?? null,
      reasoning: oneOf(REASONING_LEVELS, row.reasoning),
      showReasoning: row.showReasoning ?? false,
      busyMode: oneOf(SESSION_BUSY_MODES, row.busyMode),
    },
  };
}

function oneOf<T extends string>(values: readonly T[], value: string | null | undefined): T | null {
  return values.includes(value as T) ? (value as T) : null;
}
