import { Inject, Injectable } from '@nestjs/common';
import type { Attachment, InboundMessage } from '@switchboard/core';
import type { Database } from '../database';
import { DATABASE } from '../database.token';
import { Prisma } from '../generated/prisma/client';

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

@Injectable()
export class MessageRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** Stores an accepted message; null when the platform delivered it before (same platform id). */
  async insertInbound(sessionId: string, message: InboundMessage): Promise<StoredInbound | null> {
    try {
      const row = await this.db.prisma.message.create({
        data: {
          sessionId,
          direction: 'inbound',
          role: 'user',
          platform: message.platform,
          accountId: message.accountId,
          platformMessageId: message.platformMessageId,
          senderId: message.sender.id,
          senderName: message.sender.displayName ?? message.sender.username ?? null,
          text: message.text,
          attachments: message.attachments as unknown as Prisma.InputJsonValue,
          metadata: { replyToMessageId: message.replyToMessageId ?? null, receivedAt: message.receivedAt.toISOString() },
        },
      });
      return toInbound(row);
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return null;
      throw error;
    }
  }

  async existsInbound(platform: string, accountId: string, platformMessageId: string): Promise<boolean> {
    const row = await this.db.prisma.message.findFirst({
      where: { platform, accountId, direction: 'inbound', platformMessageId },
      select: { id: true },
    });
    return row !== null;
  }

  async findInbound(id: string): Promise<StoredInbound | null> {
    const row = await this.db.prisma.message.findFirst({ where: { id, direction: 'inbound' } });
    return row ? toInbound(row) : null;
  }

  /** The conversation the model sees: user and assistant messages in the window, oldest first. */
  async history(sessionId: string, window: HistoryWindow): Promise<HistoryEntry[]> {
    const rows = await this.db.prisma.message.findMany({
      where: {
        sessionId,
        role: { in: ['user', 'assistant'] },
        ...(window.excludeId ? { id: { not: window.excludeId } } : {}),
        createdAt: { lte: window.upTo, ...(window.after ? { gt: window.after } : {}) },
      },
      orderBy: { createdAt: 'desc' },
      take: window.limit,
    });
    return rows.reverse().map((row) => ({
      role: row.role as 'user' | 'assistant',
      text: row.text,
      senderName: row.senderName,
      createdAt: row.createdAt,
    }));
  }

  /** Accepted messages whose turn has not finished, oldest first: re-queued at start. */
  async findUnfinishedInboundIds(limit: number): Promise<string[]> {
    const rows = await this.db.prisma.message.findMany({
      where: {
        direction: 'inbound',
        OR: [{ turn: { is: null } }, { turn: { is: { status: { in: ['running', 'generated'] } } } }],
      },
      orderBy: { createdAt: 'asc' },
      take: limit,
      select: { id: true },
    });
    return rows.map((row) => row.id);
  }
}

function toInbound(row: Prisma.MessageGetPayload<object>): StoredInbound {
  return {
    id: row.id,
    sessionId: row.sessionId,
    platform: row.platform,
    accountId: row.accountId,
    platformMessageId: row.platformMessageId,
    senderId: row.senderId,
    senderName: row.senderName,
    text: row.text,
    attachments: row.attachments as unknown as Attachment[],
    createdAt: row.createdAt,
  };
}
