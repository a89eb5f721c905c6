import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '../database';
import { DATABASE } from '../database.token';
import type { SqlStatement } from '../sql-client';

/** A conversation of a session as /resume lists it (see model Conversation). */
export interface ConversationRecord {
  id: string;
  /** Who started it with /new, else the sender of its first message; null: nobody wrote yet. */
  owner: string | null;
  title: string | null;
  /** The start of its first message that is no command; null: it has none. */
  firstWords: string | null;
  startedAt: Date;
  /** Its last message's time (its start while it has none). */
  lastActivityAt: Date;
  /** It is the session's active conversation. */
  active: boolean;
}

const FIRST_WORDS_CHARS = 200;

// The session's messages of conversation c."id" (the session's index, then the conversation filter).
const OF_CONVERSATION = `FROM "Message" m WHERE m."sessionId" = c."sessionId" AND m."conversationId" = c."id"`;

const LIST: SqlStatement = {
  name: 'conversation_list',
  text: `
    SELECT l.* FROM (
      SELECT c."id", c."title", c."createdAt" AS "startedAt", c."id" = s."conversationId" AS "active",
             coalesce(c."startedBy", (SELECT m."senderId" ${OF_CONVERSATION} AND m."direction" = 'inbound' ORDER BY m."createdAt" LIMIT 1)) AS "owner",
             (SELECT left(m."text", ${FIRST_WORDS_CHARS}) ${OF_CONVERSATION}
                AND m."direction" = 'inbound' AND m."undoneAt" IS NULL AND m."text" NOT LIKE '/%' AND m."text" <> ''
              ORDER BY m."createdAt" LIMIT 1) AS "firstWords",
             coalesce((SELECT max(m."createdAt") ${OF_CONVERSATION}), c."createdAt") AS "lastActivityAt"
      FROM "Conversation" c JOIN "Session" s ON s."id" = c."sessionId"
      WHERE c."sessionId" = $1::uuid) l
    ORDER BY l."lastActivityAt" DESC, l."id"
    LIMIT $2::int`,
};

/** The conversations of a session: listed, named, and made active again (/resume). */
@Injectable()
export class ConversationRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** The session's conversations, the most recently active first, at most `limit`. */
  async list(sessionId: string, limit: number): Promise<ConversationRecord[]> {
    return this.db.sql.query<ConversationRecord>(LIST, [sessionId, limit]);
  }

  /** Makes a conversation of the session the active one: the next messages join it. False when it is none of the session's. */
  async activate(sessionId: string, conversationId: string): Promise<boolean> {
    const { count } = await this.db.prisma.session.updateMany({
      where: { id: sessionId, conversations: { some: { id: conversationId } } },
      data: { conversationId },
    });
    return count === 1;
  }

  async setTitle(conversationId: string, title: string): Promise<void> {
    await this.db.prisma.conversation.update({ where: { id: conversationId }, data: { title } });
  }
}
