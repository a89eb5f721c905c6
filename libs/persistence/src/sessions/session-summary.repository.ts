import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '../database';
import { DATABASE } from '../database.token';
import type { SqlStatement } from '../sql-client';

/** A summary of the older part of a conversation, which the model sees instead of it. */
export interface SessionSummaryRecord {
  id: string;
  sessionId: string;
  text: string;
  /** The last history message it covers: the model sees the messages after it. */
  coversMessageId: string;
  /** Estimated tokens of what it replaced, and of the summary itself. */
  tokensBefore: number;
  tokensAfter: number;
  createdAt: Date;
}

const LATEST: SqlStatement = {
  name: 'session_summary_latest',
  text: `
    SELECT s."id", s."sessionId", s."text", s."coversMessageId", s."tokensBefore", s."tokensAfter", s."createdAt"
    FROM "SessionSummary" s JOIN "Message" m ON m."id" = s."coversMessageId"
    WHERE s."sessionId" = $1::uuid AND m."conversationId" = $2::uuid
    ORDER BY s."createdAt" DESC LIMIT 1`,
};

/** Context compression's summaries; the originals stay stored in Message. */
@Injectable()
export class SessionSummaryRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** The newest summary of the conversation: the one whose covered message belongs to it. */
  async latest(sessionId: string, conversationId: string | null): Promise<SessionSummaryRecord | null> {
    const [row] = await this.db.sql.query<SessionSummaryRecord>(LATEST, [sessionId, conversationId]);
    return row ?? null;
  }

  /** One insert: a summary is stored whole or not at all. */
  async add(summary: Omit<SessionSummaryRecord, 'id' | 'createdAt'>): Promise<SessionSummaryRecord> {
    return this.db.prisma.sessionSummary.create({ data: summary });
  }
}
