import { Inject, Injectable } from '@nestjs/common';
import type { ChatRef, ChatSessionDirectory, ChatSessionState } from '@switchboard/core';
import { MessageRepository, SessionRepository } from '@switchboard/persistence';
import { LlmRouter } from '@switchboard/providers';
import { describeChain } from '../commands/session.commands';

/**
 * The sessions of a chat as /status describes them (model, title), with how many messages each
 * holds since it started afresh and whether an answer is pending: what Slack's App Home shows.
 */
@Injectable()
export class ChatSessionOverview implements ChatSessionDirectory {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly messages: MessageRepository,
    @Inject(LlmRouter) private readonly router: Pick<LlmRouter, 'describe'>,
  ) {}

  async sessionsOf(chat: ChatRef, limit: number): Promise<ChatSessionState[]> {
    const sessions = await this.sessions.inChat(chat, limit);
    return Promise.all(
      sessions.map(async (session) => {
        const [messageCount, pending] = await Promise.all([
          this.messages.countInConversation(session.id, session.conversationId),
          this.messages.countPendingIn(session.id),
        ]);
        return {
          ...(session.threadId ? { threadId: session.threadId } : {}),
          ...(session.settings.title ? { title: session.settings.title } : {}),
          model: session.settings.model ?? describeChain(this.router),
          messageCount,
          lastActivityAt: session.lastActivityAt,
          busy: pending > 0,
        };
      }),
    );
  }
}
