import { Inject, Injectable, Logger } from '@nestjs/common';
import type { InboundMessage } from '@switchboard/core';
import {
  MessageRepository,
  type SessionIdentity,
  type SessionRecord,
  SessionRepository,
  type SessionSettings,
  type StoredPrompt,
} from '@switchboard/persistence';
import { QUEUE_DRIVER, type QueueDriver } from '@switchboard/queue';
import { GATEWAY_PROMPT_ID_PREFIX } from './gateway-prompt';

export interface GatewayPrompt {
  /** Unique for good: the same id submitted again stores and runs nothing (a retry, a second replica). */
  id: string;
  text: string;
  /** Who the prompt comes from, as the stored message names them. */
  sender: { id: string; displayName: string };
  /** Settings the session takes before the prompt is queued (a background task: its chat's model). */
  settings?: Partial<SessionSettings>;
}

export interface SubmittedPrompt {
  session: SessionRecord;
  /** Null when the prompt had been submitted before. */
  messageId: string | null;
}

/** The accepted message a gateway prompt is stored as, in the chat of `identity`. */
export function gatewayPromptMessage(identity: SessionIdentity, prompt: GatewayPrompt, receivedAt: Date): InboundMessage {
  return {
    platform: identity.platform,
    accountId: identity.accountId,
    chatType: identity.chatType,
    chatId: identity.chatId,
    threadId: identity.threadId,
    platformMessageId: `${GATEWAY_PROMPT_ID_PREFIX}${prompt.id}`,
    sender: prompt.sender,
    text: prompt.text,
    attachments: [],
    mentionsBot: true,
    repliesToBot: false,
    receivedAt,
  };
}

/**
 * Prompts the gateway gives itself (background tasks, scheduled prompts): each is stored as an
 * accepted message of its session and queued, so its turn has the guarantees of a chat message's
 * (answered once, resumed after a crash, queued again by PendingMessageSweeper if queueing fails).
 */
@Injectable()
export class GatewayPrompts {
  private readonly logger = new Logger('GatewayPrompts');

  constructor(
    private readonly messages: MessageRepository,
    private readonly sessions: SessionRepository,
    @Inject(QUEUE_DRIVER) private readonly queue: QueueDriver,
  ) {}

  async submit(identity: SessionIdentity, prompt: GatewayPrompt, now = new Date()): Promise<SubmittedPrompt> {
    const { session, message, storedBeforeId } = await this.messages.acceptInbound(identity, gatewayPromptMessage(identity, prompt, now), now);
    if (prompt.settings && Object.values(prompt.settings).some((value) => value)) await this.sessions.updateSettings(session.id, prompt.settings);
    // Submitted before: queued again in case that submission died before queueing (a no-op otherwise).
    const toQueue = message?.id ?? storedBeforeId;
    if (toQueue) await this.enqueue([{ messageId: toQueue, sessionKey: session.key }]);
    return { session, messageId: message?.id ?? null };
  }

  /** Queues the turns of stored prompts; one that cannot be queued now is queued again later. */
  async enqueue(prompts: StoredPrompt[]): Promise<void> {
    await Promise.all(
      prompts.map(({ messageId, sessionKey }) =>
        this.queue
          .add('message.process', { messageId, sessionKey }, { jobId: messageId })
          .catch((error: unknown) => this.logger.warn(`prompt ${messageId} not queued yet (queued again later): ${error instanceof Error ? error.message : error}`)),
      ),
    );
  }
}
