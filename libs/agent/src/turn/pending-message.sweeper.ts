import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectConfig, SwitchboardConfig } from '@switchboard/config';
import { SwitchboardMetrics } from '@switchboard/observability';
import { MessageRepository, PendingInbound } from '@switchboard/persistence';
import { QUEUE_DRIVER, QueueDriver } from '@switchboard/queue';
import { SESSION_LOCK, type SessionLock } from '@switchboard/sessions';
import { TurnFailure } from './turn-failure';

const PAGE = 500;

/**
 * Queues again the accepted messages whose turn has not finished once they were last queued
 * longer ago than QUEUE_REQUEUE_AFTER_MS: the webhook is acked as soon as a message is stored,
 * so queueing it can fail, or the process die, after the ack; a Redis without persistence can
 * also lose its jobs. The message row is the record of what was accepted, not the queue.
 * Queueing again is harmless (the job id is the message id, and a finished turn sends nothing).
 * At start, every unfinished message is queued again at once. Every replica sweeps; a sweep
 * claims its rows, so two replicas never queue the same message in the same round.
 * A message whose job is dead (out of attempts, and giving up on its turn failed then) is given
 * up here instead (failed, the chat told): adding its job again would do nothing, for ever.
 * A message whose session has a run in progress (a long web-chat turn, or the message waiting
 * behind another) is left for the next sweep: a job queued now would only hold a worker while it
 * waits for the session.
 */
@Injectable()
export class PendingMessageSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('PendingMessageSweeper');
  private timer?: NodeJS.Timeout;
  private sweeping: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    @Inject(QUEUE_DRIVER) private readonly queue: QueueDriver,
    private readonly messages: MessageRepository,
    private readonly failure: TurnFailure,
    @Inject(SESSION_LOCK) private readonly lock: SessionLock,
    private readonly metrics: SwitchboardMetrics,
    @InjectConfig() private readonly config: SwitchboardConfig,
  ) {}

  onApplicationBootstrap(): void {
    // In the background: a queue that is down at boot must not keep the gateway from serving.
    this.sweepThenWait(new Date(), 'start');
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.sweeping;
  }

  /** Queues again every pending message last queued before `queuedBefore`; returns how many. */
  async sweep(queuedBefore: Date, reason: 'start' | 'stale'): Promise<number> {
    let requeued = 0;
    let failed = 0;
    for (;;) {
      const due = await this.messages.claimPendingToRequeue(queuedBefore, PAGE);
      const outcomes = await Promise.all(due.map((message) => this.requeue(message)));
      const queued = outcomes.filter((outcome) => outcome === 'queued').length;
      requeued += queued;
      failed += outcomes.filter((outcome) => outcome === 'failed').length;
      this.metrics.messagesRequeued.inc({ reason }, queued);
      if (due.length < PAGE || this.stopped) break;
    }
    if (failed) this.logger.warn(`${failed} pending message(s) had a dead job: their turns are marked failed and their chats told`);
    return requeued;
  }

  private async requeue({ id, sessionKey, jobId }: PendingInbound): Promise<'queued' | 'failed' | 'busy'> {
    // Claimed all the same, so it is looked at again once the interval has passed.
    if (await this.lock.isHeld(sessionKey)) return 'busy';
    if (await this.queue.isDead('message.process', jobId)) {
      await this.failure.giveUp(id, 'its job ran out of attempts before the turn could be marked failed');
      return 'failed';
    }
    await this.queue.add('message.process', { messageId: id, sessionKey }, { jobId });
    return 'queued';
  }

  private sweepThenWait(queuedBefore: Date, reason: 'start' | 'stale'): void {
    this.sweeping = this.sweep(queuedBefore, reason).then(
      (requeued) => {
        if (requeued) this.logger.log(`queued ${requeued} unfinished message(s) again (${reason})`);
      },
      // Claimed rows that failed to queue are due again after the interval.
      (error: unknown) => this.logger.warn(`queueing unfinished messages again failed: ${error instanceof Error ? error.message : error}`),
    );
    void this.sweeping.then(() => {
      if (this.stopped) return;
      const { requeueAfterMs } = this.config.queue;
      // A third of the interval: a message is queued again at most 1⅓ intervals after it was due.
      this.timer = setTimeout(() => this.sweepThenWait(new Date(Date.now() - requeueAfterMs), 'stale'), requeueAfterMs / 3);
      this.timer.unref();
    });
  }
}
