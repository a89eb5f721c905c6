import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@switchboard/core';
import { ConsoleQueriesRepository, SessionRecord, SessionRepository } from '@switchboard/persistence';
import { AuditLog } from '../audit/audit-log.service';
import type { SessionDetail, SessionPage, SessionSearchQuery, SessionSummary } from '../contract/sessions.schemas';
import type { ActorContext } from '../http/admin-request';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const summary = (s: SessionRecord): SessionSummary => ({
  id: s.id,
  key: s.key,
  platform: s.platform,
  accountId: s.accountId,
  chatType: s.chatType,
  chatId: s.chatId,
  threadId: s.threadId,
  createdAt: s.createdAt.toISOString(),
  lastActivityAt: s.lastActivityAt.toISOString(),
  resetAt: s.resetAt?.toISOString() ?? null,
});

/** What is known of an attachment: its metadata; the content stays on the platform. */
function attachmentsOf(value: unknown) {
  if (!Array.isArray(value)) return [];
  return value.map((a: Record<string, unknown>) => ({
    kind: typeof a?.kind === 'string' ? a.kind : 'file',
    fileName: typeof a?.fileName === 'string' ? a.fileName : null,
    mimeType: typeof a?.mimeType === 'string' ? a.mimeType : null,
    sizeBytes: typeof a?.sizeBytes === 'number' ? a.sizeBytes : null,
  }));
}

@Injectable()
export class SessionsAdmin {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly queries: ConsoleQueriesRepository,
    private readonly audit: AuditLog,
  ) {}

  async search(query: SessionSearchQuery): Promise<SessionPage> {
    const page = await this.queries.sessionPage(query);
    return { ...page, items: page.items.map(summary) };
  }

  async detail(id: string, limit: number, before?: string): Promise<SessionDetail> {
    const session = await this.find(id);
    const messages = await this.queries.transcript(session.id, limit, before ? new Date(before) : undefined);
    return {
      session: summary(session),
      messages: messages.map((m) => ({ ...m, attachments: attachmentsOf(m.attachments), createdAt: m.createdAt.toISOString() })),
    };
  }

  async reset(id: string, actor: ActorContext): Promise<{ resetAt: string }> {
    const session = await this.find(id);
    const at = new Date();
    await this.audit.change(actor, () => this.sessions.reset(session.id, at), () => ({ action: 'session.reset', targetType: 'session', targetId: session.key, before: { resetAt: session.resetAt?.toISOString() ?? null }, after: { resetAt: at.toISOString() } }));
    return { resetAt: at.toISOString() };
  }

  async delete(id: string, actor: ActorContext): Promise<{ deleted: boolean }> {
    const session = await this.find(id);
    await this.audit.change(actor, () => this.sessions.delete(session.id), () => ({ action: 'session.delete', targetType: 'session', targetId: session.key, before: summary(session) }));
    return { deleted: true };
  }

  private async find(id: string): Promise<SessionRecord> {
    const session = UUID.test(id) ? await this.sessions.findById(id) : null;
    if (!session) throw new DomainError(ErrorCode.NOT_FOUND, `no session ${id}`);
    return session;
  }
}
