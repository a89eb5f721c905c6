import { Inject, Injectable } from '@nestjs/common';
import { JOB_NAMES } from './job-map';
import { QUEUE_DRIVER, type QueueDriver } from './queue-driver';

/** One queue's dead-letter list in short: how many jobs are on it and why the latest one died. */
export interface DeadLetterQueueSummary {
  queue: string;
  dead: number;
  lastError?: string;
  /** ISO time the latest one died, when the driver knows it. */
  lastFailedAt?: string;
}

/** The dead-letter lists of every queue, for `switchboard doctor`. */
@Injectable()
export class DeadLetterSummary {
  constructor(@Inject(QUEUE_DRIVER) private readonly queue: QueueDriver) {}

  summarize(): Promise<DeadLetterQueueSummary[]> {
    return Promise.all(
      JOB_NAMES.map(async (queue): Promise<DeadLetterQueueSummary> => {
        const { dead } = await this.queue.counts(queue);
        if (dead === 0) return { queue, dead };
        const [latest] = await this.queue.deadLetters(queue, 1);
        return { queue, dead, lastError: latest?.error, lastFailedAt: latest?.failedAt?.toISOString() };
      }),
    );
  }
}
