import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { MessageRepository, TurnRepository } from '@switchboard/persistence';
import { JobContext, JobMap, QUEUE_DRIVER, QueueDriver } from '@switchboard/queue';
import { SessionLock } from '@switchboard/sessions';
import { TurnRunner } from './turn-runner';

const RECOVERY_BATCH = 500;
const RETRY_MS = 10_000;

/**
 * Consumes `message.process` jobs: takes the session's lock (one run per session at a time) and
 * runs the turn. At start it re-queues accepted messages whose turn
 * has not finished — the message row, not the queue, is the record of what was accepted.
 */
@Injectable()
export class MessageProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger('MessageProcessor');

  constructor(
    @Inject(QUEUE_DRIVER) private readonly queue: QueueDriver,
    private readonly messages: MessageRepository,
    private readonly turns: TurnRepository,
    private readonly lock: SessionLock,
    private readonly runner: TurnRunner,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.process('message.process', (job) => this.handle(job));
    // In the background: a queue that is down at boot must not keep the gateway from serving.
    void this.requeueUnfinished();
  }

  async handle(job: JobContext<JobMap['message.process']>): Promise<void> {
    const { messageId, sessionKey } = job.payload;
    const last = job.attempt >= job.maxAttempts;
    try {
      await this.lock.run(sessionKey, () => this.runner.run(messageId, { last }));
    } catch (error) {
      if (last) {
        const turn = await this.turns.begin(messageId);
        await this.turns.markFailed(turn.id, error instanceof Error ? error.message : String(error));
      }
      throw error;
    }
  }

  /** Tries until it succeeds (the queue may be unreachable at boot), every 10 s. */
  private async requeueUnfinished(): Promise<void> {
    for (;;) {
      try {
        const unfinished = await this.messages.findUnfinishedInbound(RECOVERY_BATCH);
        // The job id is the message id: a message whose job is still queued is not queued twice.
        for (const { id, sessionKey } of unfinished) await this.queue.add('message.process', { messageId: id, sessionKey }, { jobId: id });
        if (unfinished.length) this.logger.log(`re-queued ${unfinished.length} unfinished message(s)`);
        return;
      } catch (error) {
        this.logger.warn(`re-queueing unfinished messages failed, retrying in 10 s: ${error instanceof Error ? error.message : error}`);
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS).unref());
      }
    }
  }
}
