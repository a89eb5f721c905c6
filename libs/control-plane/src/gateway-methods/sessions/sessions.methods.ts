import { Injectable } from '@nestjs/common';
import { InjectConfig, SwitchboardConfig } from '@switchboard/config';
import { HistoryEntry, MessageRepository, SessionRecord, SessionRepository } from '@switchboard/persistence';
import { SessionService } from '@switchboard/sessions';
import { CoreMethodParams } from '../../ws/protocol/method-params.schema';
import { ControlPlaneError, DetailCodes, ErrorCodes } from '../../ws/protocol/protocol-error';
import { ControlPlaneServer } from '../../ws/server/control-plane.server';
import { ChatRunRegistry } from '../chat/chat-run.registry';
import { MethodGroup } from '../method-group';
import { resolveSessionKey } from './webchat-session';

const DEFAULT_PAGE = 50;
const DEFAULT_HISTORY = 200;
const PREVIEW_MESSAGES = 5;
const PREVIEW_CHARS = 280;

/**
 * `sessions.list`, `sessions.preview`, `sessions.reset`, `sessions.delete` and `chat.history`, over
 * every session (chat platforms and web chat). Reset and delete need operator.admin, as on
 * OpenClaw: they change what the agent remembers of someone's conversation.
 */
@Injectable()
export class SessionsMethods implements MethodGroup {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly messages: MessageRepository,
    private readonly sessionService: SessionService,
    private readonly runs: ChatRunRegistry,
    @InjectConfig() private readonly config: SwitchboardConfig,
  ) {}

  register(server: ControlPlaneServer): void {
    server.registerMethod('sessions.list', {
      scope: 'operator.read',
      schema: CoreMethodParams['sessions.list'],
      handler: async ({ limit = DEFAULT_PAGE, offset = 0, search }) => {
        const page = await this.sessions.list({ limit, offset, search });
        const hasMore = offset + page.sessions.length < page.totalCount;
        return {
          count: page.sessions.length,
          totalCount: page.totalCount,
          hasMore,
          nextOffset: hasMore ? offset + page.sessions.length : null,
          sessions: page.sessions.map(sessionView),
        };
      },
    });

    server.registerMethod('sessions.preview', {
      scope: 'operator.read',
      schema: CoreMethodParams['sessions.preview'],
      handler: async ({ key }) => {
        const session = await this.find(key);
        if (!session) return { key: this.resolve(key), status: 'missing', items: [] };
        const items = (await this.conversation(session, PREVIEW_MESSAGES)).map((entry) => ({
          role: entry.role,
          text: entry.text.length > PREVIEW_CHARS ? `${entry.text.slice(0, PREVIEW_CHARS - 1)}…` : entry.text,
        }));
        return { key: session.key, status: 'ok', session: sessionView(session), items };
      },
    });

    server.registerMethod('sessions.reset', {
      scope: 'operator.admin',
      schema: CoreMethodParams['sessions.reset'],
      handler: async ({ key }) => {
        const session = await this.existing(key);
        await this.sessionService.resetNow(session.id);
        return { ok: true, key: session.key };
      },
    });

    server.registerMethod('sessions.delete', {
      scope: 'operator.admin',
      schema: CoreMethodParams['sessions.delete'],
      handler: async ({ key }) => {
        const session = await this.find(key);
        if (!session) return { ok: true, key: this.resolve(key), deleted: false };
        this.runs.abort(session.key);
        await this.sessions.delete(session.id);
        return { ok: true, key: session.key, deleted: true };
      },
    });

    server.registerMethod('chat.history', {
      scope: 'operator.read',
      schema: CoreMethodParams['chat.history'],
      // What the agent remembers: the session's active conversation, oldest first.
      handler: async ({ sessionKey, limit = DEFAULT_HISTORY }) => {
        const session = await this.find(sessionKey);
        if (!session) return { sessionKey: this.resolve(sessionKey), messages: [] };
        const messages = (await this.conversation(session, limit)).map((entry) => ({
          role: entry.role,
          content: [{ type: 'text', text: entry.text }],
          timestamp: entry.createdAt.getTime(),
          ...(entry.senderName ? { senderName: entry.senderName } : {}),
        }));
        return { sessionKey: session.key, sessionId: session.id, messages };
      },
    });
  }

  private resolve(key: string): string {
    return resolveSessionKey(this.config.agent.id, key);
  }

  private find(key: string): Promise<SessionRecord | null> {
    return this.sessions.findByKey(this.resolve(key));
  }

  private async existing(key: string): Promise<SessionRecord> {
    const session = await this.find(key);
    if (session) return session;
    throw new ControlPlaneError(ErrorCodes.INVALID_REQUEST, `no session ${key}`, { details: { code: DetailCodes.NOT_FOUND } });
  }

  private conversation(session: SessionRecord, limit: number): Promise<HistoryEntry[]> {
    return this.messages.history(session.id, { upTo: new Date(), limit });
  }
}

function sessionView(session: SessionRecord) {
  return {
    key: session.key,
    sessionId: session.id,
    agentId: session.agentId,
    kind: session.chatType === 'dm' ? 'direct' : 'group',
    channel: session.platform,
    accountId: session.accountId,
    chatType: session.chatType,
    chatId: session.chatId,
    threadId: session.threadId,
    createdAt: session.createdAt.getTime(),
    updatedAt: session.lastActivityAt.getTime(),
    resetAt: session.resetAt?.getTime() ?? null,
  };
}
