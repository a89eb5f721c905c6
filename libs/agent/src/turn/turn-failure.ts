import { Inject, Injectable, Logger } from '@nestjs/common';
import { SwitchboardMetrics } from '@switchboard/observability';
import { TurnRepository } from '@switchboard/persistence';
import { QUEUE_DRIVER, QueueDriver } from '@switchboard/queue';
import { failureNotice } from '../background/background-task';

/** What the chat is told when its message could not be answered. */
export const TURN_FAILED_TEXT = 'Sorry, something went wrong and I could not answer your message. Please send it again.';

/**
 * Gives up on a message for good: its turn is marked failed (the message is no longer pending)
 * and the chat is told, once. A half-written draft of the reply is replaced by the notice rather
 * than left in the chat. Only for failures of the turn's own (the model, the platform, a bug),
 * never for an outage of the database or Redis: those wait instead.
 */
@Injectable()
export class TurnFailure {
  private readonly logger = new Logger('TurnFailure');

  constructor(
    @Inject(QUEUE_DRIVER) private readonly queue: QueueDriver,
    private readonly turns: TurnRepository,
    private readonly metrics: SwitchboardMetrics,
  ) {}

  async giveUp(messageId: string, reason: string): Promise<void> {
    const start = await this.turns.start(messageId, 0);
    if (!start) return; // deleted with its session
    const { turn, session, inbound } = start;
    if (turn.status === 'delivered' || turn.status === 'failed') return;
    const draft = turn.parts.find((part) => part.index === 0 && part.platformMessageId && !part.deliveredAt);
    // Queued before the turn is marked failed, under an id of the message's: if marking fails and
    // this runs again, the notice is not queued twice.
    await this.queue.add(
      'channel.notify',
      {
        platform: inbound.platform,
        accountId: inbound.accountId,
        chatId: session.chatId,
        threadId: session.threadId ?? undefined,
        text: failureNotice(session.key, reason, TURN_FAILED_TEXT),
        replaceMessageId: draft?.platformMessageId ?? undefined,
      },
      { jobId: `turn-failed:${messageId}` },
    );
    await this.turns.markFailed(turn.id, reason);
    this.metrics.repliesFailed.inc({ platform: inbound.platform });
    this.logger.warn(`turn ${turn.id} failed for good, the chat is told: ${reason}`);
  }
}
