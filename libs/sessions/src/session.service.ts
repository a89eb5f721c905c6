import { Injectable } from '@nestjs/common';
import { InjectConfig, SwitchboardConfig, channelAccessConfig } from '@switchboard/config';
import type { InboundMessage } from '@switchboard/core';
import { MessageRepository, SessionRecord, SessionRepository, StoredInbound } from '@switchboard/persistence';
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

  /**
   * Stores an accepted message in its session (created on first use) and records the activity;
   * the session is reset when its policy says the conversation had gone stale. `message` is null
   * when the platform delivered this message before; `storedBeforeId` is then the stored one.
   */
  async acceptInbound(
    message: InboundMessage,
    now = new Date(),
  ): Promise<{ session: SessionRecord; message: StoredInbound | null; storedBeforeId: string | null }> {
    const identity = {
      key: this.keyFor(message),
      agentId: this.config.agent.id,
      platform: message.platform,
      accountId: message.accountId,
      chatType: message.chatType,
      chatId: message.chatId,
      threadId: message.threadId,
    };
    const accepted = await this.messages.acceptInbound(identity, message, now);
    const { session, previousActivityAt } = accepted;
    if (previousActivityAt && isDueForReset(this.policyFor(message.platform), previousActivityAt, now)) {
      // The new conversation starts with this message (stored just before, by the database's clock).
      const from = accepted.message?.createdAt;
      const resetAt = from ? new Date(from.getTime() - 1) : now;
      session.conversationId = await this.sessions.reset(session.id, resetAt, { from });
      session.resetAt = resetAt;
    }
    return { session, message: accepted.message, storedBeforeId: accepted.storedBeforeId };
  }

  /** The key of the session a message belongs to. */
  keyFor(message: InboundMessage): string {
    return buildSessionKey(this.config.agent.id, message);
  }

  /**
   * `/new` and `/reset` (and an operator's reset): the next message starts a new conversation; the
   * earlier one keeps its history (/resume). `startedBy` (a platform user id) owns it; null: the
   * sender of its first message does.
   */
  async resetNow(sessionId: string, startedBy: string | null = null, at = new Date()): Promise<void> {
    await this.sessions.reset(sessionId, at, { startedBy });
  }

  policyFor(platform: string): ResetPolicy {
    return {
      mode: channelAccessConfig(this.config, platform)?.sessionReset ?? this.config.sessions.reset,
      hour: this.config.sessions.resetHour,
      idleMinutes: this.config.sessions.idleMinutes,
    };
  }
}
