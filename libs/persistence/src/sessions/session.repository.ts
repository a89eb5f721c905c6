import { Inject, Injectable } from '@nestjs/common';
import type { ChatType } from '@switchboard/core';
import type { Database } from '../database';
import { DATABASE } from '../database.token';
import type { Session as SessionRow } from '../generated/prisma/client';

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
  /** History before this instant is not sent to the model. */
  resetAt: Date | null;
  /** The session's own settings (/model, /personality, /title, /reasoning, /busy); null: the configured default. */
  settings: SessionSettings;
}

export interface SessionSettings {
  /** "provider:model". */
  model: string | null;
  /** Name of a configured personality. */
  personality: string | null;
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

  async findByKey(key: string): Promise<SessionRecord | null> {
    const row = await this.db.prisma.session.findUnique({ where: { key } });
    return row ? toSession(row) : null;
  }

  async findById(id: string): Promise<SessionRecord | null> {
    const row = await this.db.prisma.session.findUnique({ where: { id } });
    return row ? toSession(row) : null;
  }

  /** Starts the conversation afresh: earlier history stays stored but is no longer used. */
  async reset(id: string, at: Date): Promise<void> {
    await this.db.prisma.session.update({ where: { id }, data: { resetAt: at } });
  }

  /** Changes the given settings; the others keep their value. */
  async updateSettings(id: string, settings: Partial<SessionSettings>): Promise<void> {
    await this.db.prisma.session.update({ where: { id }, data: settings });
  }

  /** The sessions of one chat of a platform account (its threads' included), most recently active first. */
  async inChat(chat: { platform: string; accountId: string; chatId: string }, limit: number): Promise<SessionRecord[]> {
    const rows = await this.db.prisma.session.findMany({
      where: { platform: chat.platform, accountId: chat.accountId, chatId: chat.chatId },
      orderBy: [{ lastActivityAt: 'desc' }, { id: 'desc' }],
      take: limit,
    });
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

export function toSession(row: SessionRow): SessionRecord {
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
