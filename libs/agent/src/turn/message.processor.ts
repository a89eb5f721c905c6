import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { TurnWriteRefused } from '@switchboard/persistence';
import { JobContext, JobMap, QUEUE_DRIVER, QueueDriver, isOutage, isRetryable } from '@switchboard/queue';
import { SESSION_LOCK, type SessionLock } from '@switchboard/sessions';
import { TurnFailure } from './turn-failure';
import { TurnRunner } from './turn-runner';

/**
 * Consumes `message.process` jobs: takes the session's lock (one run per session at a time) and
 * runs the turn. A job that will not run again gives up on its turn (marked failed, the chat
 * told), which also ends the message's pending state (PendingMessageSweeper). A failure caused by
 * an outage of the database or Redis is no attempt: the queue runs the job again once it is over.
 */
@Injectable()
export class MessageProcessor implements OnApplicationBootstrap {
  constructor(
    @Inject(QUEUE_DRIVER) private readonly queue: QueueDriver,
    @Inject(SESSION_LOCK) private readonly lock: SessionLock,
    @Inject(TurnRunner) private readonly runner: Pick<TurnRunner, 'run'>,
    private readonly failure: TurnFailure,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.process('message.process', (job) => this.handle(job));
  }

  async handle(job: JobContext<JobMap['message.process']>): Promise<void> {
    const { messageId, sessionKey } = job.payload;
    const last = job.attempt >= job.maxAttempts;
    try {
      await this.lock.run(sessionKey, (lease) => this.runner.run(messageId, { last, lease }));
    } catch (error) {
      // Superseded: another run holds the turn now and finishes it; giving up would fail its turn.
      const superseded = error instanceof TurnWriteRefused && error.reason === 'superseded';
      if (!isOutage(error) && !superseded && (last || !isRetryable(error))) {
        await this.failure.giveUp(messageId, error instanceof Error ? error.message : String(error));
      }
      throw error;
    }
  }
}
