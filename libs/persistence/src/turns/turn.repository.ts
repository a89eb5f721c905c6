import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '../database';
import { DATABASE } from '../database.token';
import { Prisma } from '../generated/prisma/client';

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

const withParts = { parts: { orderBy: { index: 'asc' } } } as const;

type TurnRow = Prisma.TurnGetPayload<object>;

/**
 * The steps of answering one message, each recorded before the next starts, so that after a
 * crash the worker resumes where it was: regenerate (editing the draft already on the platform),
 * or only deliver the parts the platform has not confirmed.
 */
@Injectable()
export class TurnRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** The turn of an inbound message, created on the first attempt; counts the attempt. */
  async begin(inboundMessageId: string): Promise<TurnRecord> {
    // One statement for the turn (every message runs this), then its parts.
    const [turn] = await this.db.prisma.$queryRaw<TurnRow[]>`
      INSERT INTO "Turn" ("id", "inboundMessageId", "attempts", "updatedAt")
      VALUES (gen_random_uuid(), ${inboundMessageId}::uuid, 1, now())
      ON CONFLICT ("inboundMessageId") DO UPDATE SET "attempts" = "Turn"."attempts" + 1, "updatedAt" = now()
      RETURNING *`;
    const parts = turn.status === 'running' && turn.attempts === 1 ? [] : await this.db.prisma.deliveryPart.findMany({
      where: { turnId: turn.id },
      orderBy: { index: 'asc' },
    });
    return toTurn({ ...turn, parts });
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
   * Stores the finished reply: the assistant message (with usage) and the parts to deliver. Part 0
   * keeps the draft's platform message id, so delivery edits the draft instead of sending again.
   */
  async saveGenerated(turnId: string, sessionId: string, reply: GeneratedReply): Promise<TurnRecord> {
    const row = await this.db.prisma.$transaction(async (tx) => {
      const turn = await tx.turn.findUniqueOrThrow({ where: { id: turnId }, include: { inboundMessage: true } });
      const message = await tx.message.create({
        data: {
          sessionId,
          direction: 'outbound',
          role: 'assistant',
          platform: turn.inboundMessage.platform,
          accountId: turn.inboundMessage.accountId,
          text: reply.text,
          inputTokens: reply.inputTokens ?? null,
          outputTokens: reply.outputTokens ?? null,
          metadata: { model: reply.model },
        },
      });
      await tx.deliveryPart.deleteMany({ where: { turnId, index: { gte: reply.parts.length } } });
      for (const [index, text] of reply.parts.entries()) {
        await tx.deliveryPart.upsert({
          where: { turnId_index: { turnId, index } },
          create: { turnId, index, text },
          update: { text },
        });
      }
      return tx.turn.update({
        where: { id: turnId },
        data: { status: 'generated', replyMessageId: message.id, model: reply.model, error: null },
        include: withParts,
      });
    });
    return toTurn(row);
  }

  async markPartDelivered(partId: string, platformMessageId: string): Promise<void> {
    await this.db.prisma.deliveryPart.update({ where: { id: partId }, data: { platformMessageId, deliveredAt: new Date() } });
  }

  async markDelivered(turnId: string): Promise<void> {
    await this.db.prisma.turn.update({ where: { id: turnId }, data: { status: 'delivered' } });
  }

  async markFailed(turnId: string, error: string): Promise<void> {
    await this.db.prisma.turn.update({ where: { id: turnId }, data: { status: 'failed', error: error.slice(0, 2000) } });
  }
}

function toTurn(row: Prisma.TurnGetPayload<{ include: typeof withParts }>): TurnRecord {
  return {
    id: row.id,
    inboundMessageId: row.inboundMessageId,
    status: row.status,
    attempts: row.attempts,
    parts: row.parts.map((part) => ({
      id: part.id,
      index: part.index,
      text: part.text,
      platformMessageId: part.platformMessageId,
      deliveredAt: part.deliveredAt,
    })),
  };
}
