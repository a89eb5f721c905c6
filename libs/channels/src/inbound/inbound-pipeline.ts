import { Inject, Injectable, Logger } from '@nestjs/common';
import { ChannelRegistry, DomainError, ErrorCode, InboundMessage, InboundOutcome } from '@switchboard/core';
import { SwitchboardMetrics } from '@switchboard/observability';
import { QUEUE_DRIVER, QueueDriver, isOutage } from '@switchboard/queue';
import { AccessPolicy } from '@switchboard/security';
import { SessionService } from '@switchboard/sessions';
import { BusyInput } from './busy-input';
import { whyUnstorable } from './inbound-validation';
import { PendingBacklog } from './pending-backlog';

/** What happened to a message: an InboundOutcome, or refused for now because the backlog is full (thrown). */
type PipelineOutcome = InboundOutcome | 'overloaded';

/**
 * Everything between a channel adapter and the queue: validate → security → session → persist (which
 * dedupes: a message stored before is not stored again) → enqueue. It resolves (and the adapter
 * acks the platform) once an accepted message is stored, without waiting for the queue; it never
 * calls the model. One log line and one metric per outcome. A message that can never be stored is
 * `invalid`: acked, so the platform stops delivering it, and dropped (every adapter gets this).
 */
@Injectable()
export class InboundPipeline {
  private readonly logger = new Logger('InboundPipeline');
  /** Jobs being added after their ack; waited for at shutdown. */
  private readonly queueing = new Set<Promise<unknown>>();

  constructor(
    private readonly sessions: SessionService,
    @Inject(AccessPolicy) private readonly access: Pick<AccessPolicy, 'evaluate'>,
    @Inject(QUEUE_DRIVER) private readonly queue: QueueDriver,
    private readonly metrics: SwitchboardMetrics,
    private readonly channels: ChannelRegistry,
    private readonly backlog: PendingBacklog,
    private readonly busy: BusyInput,
  ) {}

  /** The InboundSink every adapter is started with. */
  readonly accept = async (message: InboundMessage): Promise<InboundOutcome> => {
    const started = performance.now();
    const { outcome, reason } = await this.decide(message).catch((error: unknown) => {
      // Not stored: a retryable error, so the platform delivers it again once the store is back.
      if (isOutage(error)) throw new DomainError(ErrorCode.TEMPORARY, 'the database is unreachable; try again later', { cause: error });
      throw error;
    });
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
    if (outcome === 'overloaded') {
      // Not stored: the adapter answers so that the platform delivers it again later.
      throw new DomainError(ErrorCode.TEMPORARY, `${this.backlog.size} messages are waiting for an answer (QUEUE_MAX_PENDING); try again later`);
    }
    return outcome;
  };

  private async decide(message: InboundMessage): Promise<{ outcome: PipelineOutcome; reason?: string }> {
    const unstorable = whyUnstorable(message);
    if (unstorable) return { outcome: 'invalid', reason: unstorable };
    const decision = await this.access.evaluate(message);
    if (decision.reply) this.reply(message, decision.reply);
    if (decision.kind === 'ignore') return { outcome: 'ignored', reason: decision.reason };
    if (decision.kind === 'pairing') return { outcome: 'denied', reason: decision.reason };
    if (decision.kind === 'rate_limited') return { outcome: 'rate_limited', reason: decision.reason };
    if (this.backlog.full) return { outcome: 'overloaded', reason: 'backlog_full' };

    // Dedupe: the insert itself finds a message stored before (same platform message id).
    const { session, message: stored, storedBeforeId } = await this.sessions.acceptInbound(message);
    // A redelivery is queued again too: the delivery that stored it may have died before queueing
    // it (a job that ran already finds its turn done and sends nothing).
    if (stored) this.busy.arrived(stored, session);
    const toQueue = stored?.id ?? storedBeforeId;
    if (toQueue) this.queueAfterAck(toQueue, session.key);
    if (!stored) return { outcome: 'duplicate' };
    return { outcome: 'accepted' };
  }

  /**
   * The message is durable once stored, so the platform is acked without waiting for the queue
   * (one round trip fewer on the ack's path, and acks go on while Redis is away). A message that
   * fails to be queued here is queued by PendingMessageSweeper. Queued under the message's id, so
   * queueing a message again is a no-op while its job exists.
   */
  private queueAfterAck(messageId: string, sessionKey: string): void {
    const queueing = this.queue
      .add('message.process', { messageId, sessionKey }, { jobId: messageId })
      .catch((error: unknown) =>
        this.logger.warn(`message ${messageId} not queued yet (queued again later): ${error instanceof Error ? error.message : error}`),
      )
      .finally(() => this.queueing.delete(queueing));
    this.queueing.add(queueing);
  }

  /** Resolves once the messages acked so far are queued (or failed to be); called at shutdown before the queue closes. */
  async queued(): Promise<void> {
    await Promise.all([...this.queueing]);
  }

  /**
   * Replies the gateway gives itself (pairing code, rate limit), sent without holding up the ack.
   * Not queued: a pairing code must not be stored anywhere in plain text. If one is lost, the user
   * writes again and is told again.
   */
  private reply(message: InboundMessage, text: string): void {
    const channel = this.channels.find(message.platform, message.accountId);
    void channel
      ?.send(message, { text, replyToMessageId: message.platformMessageId })
      .catch((error: unknown) => this.logger.warn(`reply to ${message.platform}:${message.chatId} failed: ${error instanceof Error ? error.message : error}`));
  }
}
