import { Injectable } from '@nestjs/common';
import { InjectConfig, SwitchboardConfig, channelAccessConfig } from '@switchboard/config';
import type { InboundMessage } from '@switchboard/core';
import { HistoryEntry, MessageRepository, SessionRecord, SessionRepository, StoredInbound } from '@switchboard/persistence';
import { ResetPolicy, isDueForReset } from './reset-policy';
import { buildSessionKey } from './session-key';

/** Per-chat sessions: keys, reset policies and the history window the model sees. */
@Injectable()
export class SessionService {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly messages: MessageRepository,
    @InjectConfig() private readonly config: SwitchboardConfig,
  ) {}

  /** The session a message belongs to, reset first when its policy says the conversation is stale. */
  async openFor(message: InboundMessage, now = new Date()): Promise<SessionRecord> {
    const key = buildSessionKey(this.config.agent.id, message);
    const identity = {
      key,
      agentId: this.config.agent.id,
      platform: message.platform,
      accountId: message.accountId,
      chatType: message.chatType,
      chatId: message.chatId,
      threadId: message.threadId,
    };
    const { session, previousActivityAt } = await this.sessions.recordActivity(identity, now);
    if (previousActivityAt && isDueForReset(this.policyFor(message.platform), previousActivityAt, now)) {
      await this.sessions.reset(session.id, now);
      session.resetAt = now;
    }
    return session;
  }

  /** The conversation before `inbound` (not including it), since the last reset, oldest first. */
  async historyBefore(inbound: StoredInbound, session: Pick<SessionRecord, 'resetAt'>): Promise<HistoryEntry[]> {
    return this.messages.history(inbound.sessionId, {
      after: session.resetAt,
      upTo: inbound.createdAt,
      excludeId: inbound.id,
      limit: this.config.agent.historyMessages,
    });
  }

  /** `/new` and `/reset`: the next message starts a fresh conversation. */
  async resetNow(sessionId: string, at = new Date()): Promise<void> {
    await this.sessions.reset(sessionId, at);
  }

  policyFor(platform: string): ResetPolicy {
    return {
      mode: channelAccessConfig(this.config, platform)?.sessionReset ?? this.config.sessions.reset,
      hour: this.config.sessions.resetHour,
      idleMinutes: this.config.sessions.idleMinutes,
    };
  }
}
