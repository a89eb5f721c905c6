import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { TurnRepository } from '@switchboard/persistence';
import { JobContext, JobMap, QUEUE_DRIVER, QueueDriver, isRetryable } from '@switchboard/queue';
import { SessionLock } from '@switchboard/sessions';
import { TurnRunner } from './turn-runner';

/**
 * Consumes `message.process` jobs: takes the session's lock (one run per session at a time) and
 * runs the turn. A job that will not run again marks its turn failed, which also ends the
 * message's pending state (PendingMessageSweeper).
 */
@Injectable()
export class MessageProcessor implements OnApplicationBootstrap {
  constructor(
    @Inject(QUEUE_DRIVER) private readonly queue: QueueDriver,
    private readonly turns: TurnRepository,
    private readonly lock: SessionLock,
    private readonly runner: TurnRunner,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.process('message.process', (job) => this.handle(job));
  }

  async handle(job: JobContext<JobMap['message.process']>): Promise<void> {
    const { messageId, sessionKey } = job.payload;
    const last = job.attempt >= job.maxAttempts;
    try {
      await this.lock.run(sessionKey, () => this.runner.run(messageId, { last }));
    } catch (error) {
      if (last || !isRetryable(error)) {
        await this.turns.failMessage(messageId, error instanceof Error ? error.message : String(error));
      }
      throw error;
    }
  }
}
