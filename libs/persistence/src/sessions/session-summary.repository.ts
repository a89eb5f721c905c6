import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '../database';
import { DATABASE } from '../database.token';

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

/** Context compression's summaries; the originals stay stored in Message. */
@Injectable()
export class SessionSummaryRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** The newest summary of the session written after its last reset (a reset starts afresh). */
  async latest(sessionId: string, after: Date | null): Promise<SessionSummaryRecord | null> {
    return this.db.prisma.sessionSummary.findFirst({
      where: { sessionId, ...(after ? { createdAt: { gt: after } } : {}) },
      orderBy: { createdAt: 'desc' },
    });
  }

  /** One insert: a summary is stored whole or not at all. */
  async add(summary: Omit<SessionSummaryRecord, 'id' | 'createdAt'>): Promise<SessionSummaryRecord> {
    return this.db.prisma.sessionSummary.create({ data: summary });
  }
}
