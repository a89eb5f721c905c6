import { Inject, Injectable, Logger } from '@nestjs/common';
import { ChannelRegistry, InboundMessage, InboundOutcome } from '@switchboard/core';
import { SwitchboardMetrics } from '@switchboard/observability';
import { QUEUE_DRIVER, QueueDriver } from '@switchboard/queue';
import { AccessPolicy } from '@switchboard/security';
import { SessionService } from '@switchboard/sessions';

/**
 * Everything between a channel adapter and the queue: security → session → persist (which
 * dedupes: a message stored before is not stored again) → enqueue. It resolves (and the adapter acks the platform) only once an accepted message is
 * durable; it never calls the model. One log line and one metric per outcome.
 */
@Injectable()
export class InboundPipeline {
  private readonly logger = new Logger('InboundPipeline');

  constructor(
    private readonly sessions: SessionService,
    private readonly access: AccessPolicy,
    @Inject(QUEUE_DRIVER) private readonly queue: QueueDriver,
    private readonly metrics: SwitchboardMetrics,
    private readonly channels: ChannelRegistry,
  ) {}

  /** The InboundSink every adapter is started with. */
  readonly accept = async (message: InboundMessage): Promise<InboundOutcome> => {
    const started = performance.now();
    const { outcome, reason } = await this.decide(message);
    this.metrics.messagesIn.inc({ platform: message.platform, outcome });
    this.logger.log({
      msg: `inbound ${outcome}${reason ? `:${reason}` : ''}`,
      platform: message.platform,
      chatType: message.chatType,
      chatId: message.chatId,
      senderId: message.sender.id,
      platformMessageId: message.platformMessageId,
      outcome,
      reason,
      ms: Math.round(performance.now() - started),
    });
    return outcome;
  };

  private async decide(message: InboundMessage): Promise<{ outcome: InboundOutcome; reason?: string }> {
    const decision = await this.access.evaluate(message);
    if (decision.reply) this.reply(message, decision.reply);
    if (decision.kind === 'ignore') return { outcome: 'ignored', reason: decision.reason };
    if (decision.kind === 'pairing') return { outcome: 'denied', reason: decision.reason };
    if (decision.kind === 'rate_limited') return { outcome: 'rate_limited', reason: decision.reason };

    // Dedupe: the insert itself finds a message stored before (same platform message id).
    const { session, message: stored, storedBeforeId } = await this.sessions.acceptInbound(message);
    // Queued under the message's id, so queueing a message again is a no-op while its job exists.
    const enqueue = (messageId: string) => this.queue.add('message.process', { messageId, sessionKey: session.key }, { jobId: messageId });
    if (!stored) {
      // The delivery that stored it may have died before queueing it (the platform then delivers
      // again, as here). A job that ran already finds its turn done and sends nothing.
      if (storedBeforeId) await enqueue(storedBeforeId);
      return { outcome: 'duplicate' };
    }
    await enqueue(stored.id);
    return { outcome: 'accepted' };
  }

  /**
   * Replies the gateway gives itself (pairing code, rate limit), sent without holding up the ack.
   * Not queued: a pairing code must not be stored anywhere in plain text. If one is lost, the user
   * writes again and is told again.
   */
  private reply(message: InboundMessage, text: string): void {
    const channel = this.channels.find(message.platform);
    void channel
      ?.send(message, { text, replyToMessageId: message.platformMessageId })
      .catch((error: unknown) => this.logger.warn(`reply to ${message.platform}:${message.chatId} failed: ${error instanceof Error ? error.message : error}`));
  }
}
