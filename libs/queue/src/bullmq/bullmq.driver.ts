import { Logger } from '@nestjs/common';
import { DelayedError, Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Redis, RedisOptions } from 'ioredis';
import {
  type AddJobOptions,
  type DeadLetter,
  type JobHandler,
  KEEP_COMPLETED_JOBS,
  KEEP_COMPLETED_MAX_AGE_MS,
  type ProcessOptions,
  type QueueCounts,
  type QueueDefaults,
  type QueueDriver,
} from '../queue-driver';
import { MicroBatcher } from '@switchboard/core';
import { QueueUnavailableError, isOutage, outageDelayMs } from '../outage';
import { errorText, isRetryable, retryDelayMs } from '../retry-policy';

export const BULLMQ_PREFIX = 'switchboard';
const BACKOFF_TYPE = 'switchboard';

// A worker killed mid-job loses its lock after LOCK_MS; the stalled check (every STALLED_CHECK_MS)
// then puts the job back in the wait list, so it runs again after a crash.
const LOCK_MS = 15_000;
const ADD_TIMEOUT_MS = 5_000;
const STALLED_CHECK_MS = 5_000;

type BulkJob = Parameters<Queue['addBulk']>[0][number];

/**
 * BullMQ on Redis: for production and several replicas. Queues come from QueueModule;
 * workers are created here because handlers are registered at run time.
 */
export class BullMqQueueDriver<M extends object> implements QueueDriver<M> {
  readonly kind = 'bullmq';
  private readonly logger = new Logger('BullMqQueue');
  private readonly workers = new Map<string, Worker>();
  private readonly adders = new Map<string, MicroBatcher<BulkJob, Job>>();

  constructor(
    /** One BullMQ queue per job name. */
    private readonly queues: ReadonlyMap<string, Queue>,
    private readonly connection: RedisOptions,
    private readonly defaults: QueueDefaults,
  ) {}

  async add<N extends keyof M & string>(name: N, payload: M[N], options: AddJobOptions = {}): Promise<string> {
    const adding = this.adderFor(name).run({
      name,
      data: payload,
      opts: {
        // BullMQ refuses ":" in custom ids (its key separator); the port allows any string.
        jobId: options.jobId === undefined ? undefined : encodeURIComponent(options.jobId),
        delay: options.delayMs,
        attempts: options.attempts ?? this.defaults.attempts,
        backoff: { type: BACKOFF_TYPE },
        removeOnComplete: { age: KEEP_COMPLETED_MAX_AGE_MS / 1000, count: this.defaults.keepCompleted ?? KEEP_COMPLETED_JOBS },
        removeOnFail: false,
      },
    });
    // With Redis down the command would wait for a reconnect forever; the caller (a webhook
    // waiting to ack) gets a retryable error instead. The job id makes a late add harmless.
    const job = await withTimeout(adding, ADD_TIMEOUT_MS, () => new QueueUnavailableError('Redis did not accept the job in time'));
    return decodeURIComponent(job.id!);
  }

  /** Jobs added together go to Redis in one round trip (addBulk). */
  private adderFor(name: string): MicroBatcher<BulkJob, Job> {
    let adder = this.adders.get(name);
    if (!adder) {
      const queue = this.queueFor(name);
      adder = new MicroBatcher((jobs) => queue.addBulk(jobs));
      this.adders.set(name, adder);
    }
    return adder;
  }

  async process<N extends keyof M & string>(name: N, handler: JobHandler<M[N]>, options: ProcessOptions = {}): Promise<void> {
    if (this.workers.has(name)) throw new Error(`a handler for ${name} is already registered`);
    const worker = new Worker(
      this.queueFor(name).name,
      async (job: Job, token?: string) => {
        try {
          await handler({
            id: decodeURIComponent(job.id!),
            name,
            payload: job.data,
            attempt: job.attemptsMade + 1,
            maxAttempts: job.opts.attempts ?? 1,
          });
        } catch (error) {
          if (isOutage(error)) await this.waitOutOutage(job, token, error);
          if (isRetryable(error)) throw error;
          throw new UnrecoverableError(errorText(error));
        }
      },
      {
        connection: this.connection,
        prefix: BULLMQ_PREFIX,
        concurrency: options.concurrency ?? this.defaults.concurrency,
        lockDuration: LOCK_MS,
        stalledInterval: STALLED_CHECK_MS,
        maxStalledCount: 3,
        settings: {
          backoffStrategy: (attemptsMade, _type, error) => retryDelayMs(attemptsMade, this.defaults.backoffMs, error),
        },
      },
    );
    worker.on('failed', (job, error) => {
      const dead = job && (job.attemptsMade >= (job.opts.attempts ?? 1) || error instanceof UnrecoverableError);
      this.logger.warn(`job ${name}/${job?.id} ${dead ? 'dead' : 'will retry'} after attempt ${job?.attemptsMade}: ${error.message}`);
    });
    worker.on('error', (error) => this.logger.error(`worker ${name}: ${error.message}`));
    this.workers.set(name, worker);
    // Not awaited: with Redis down at boot the worker connects when Redis is back, and /ready
    // reports the queue as down meanwhile.
    worker.waitUntilReady().then(
      () => this.logger.log(`consuming ${name}`),
      (error: Error) => this.logger.error(`worker ${name} not ready: ${error.message}`),
    );
  }

  /**
   * The database or Redis is away: the job goes back to the delayed set without counting an
   * attempt (BullMQ's moveToDelayed skips it), so an outage of any length uses none. With Redis
   * itself away the move fails too; the job's lock then expires and the stalled check puts it
   * back once Redis answers.
   */
  private async waitOutOutage(job: Job, token: string | undefined, error: unknown): Promise<never> {
    // Starts without a counted attempt since the last one: the outages in a row for this job.
    const outagesInARow = Math.max(1, job.attemptsStarted - job.attemptsMade);
    const delay = outageDelayMs(outagesInARow);
    this.logger.warn(`job ${job.name}/${job.id} waits ${delay} ms for an outage to end (no attempt used): ${errorText(error)}`);
    await job.moveToDelayed(Date.now() + delay, token);
    throw new DelayedError();
  }

  async counts(name: keyof M & string): Promise<QueueCounts> {
    const c = await this.queueFor(name).getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed');
    return { waiting: c.waiting + c.prioritized, active: c.active, delayed: c.delayed, dead: c.failed };
  }

  async deadLetters(name: keyof M & string, limit = 50): Promise<DeadLetter[]> {
    const failed = await this.queueFor(name).getFailed(0, limit - 1);
    return failed.map((job) => ({
      id: decodeURIComponent(job.id!),
      name: job.name,
      payload: job.data,
      attempts: job.attemptsMade,
      error: job.failedReason,
      failedAt: job.finishedOn ? new Date(job.finishedOn) : null,
    }));
  }

  async isDead(name: keyof M & string, jobId: string): Promise<boolean> {
    // Jobs that fail for good stay in the failed set (removeOnFail: false).
    return (await this.queueFor(name).getJobState(encodeURIComponent(jobId))) === 'failed';
  }

  async ping(): Promise<void> {
    const client = (await this.anyQueue().client) as unknown as Redis;
    await client.ping();
  }

  async close(drainTimeoutMs: number): Promise<void> {
    const closing = Promise.all([...this.workers.values()].map((worker) => worker.close()));
    const timedOut = new Promise<boolean>((resolve) => setTimeout(resolve, drainTimeoutMs, false).unref());
    if (!(await Promise.race([closing.then(() => true), timedOut]))) {
      // Jobs still running lose their lock and run again on another worker or at the next start.
      this.logger.warn(`jobs still running after ${drainTimeoutMs} ms; closing workers anyway`);
      await Promise.all([...this.workers.values()].map((worker) => worker.close(true)));
    }
    this.workers.clear();
  }

  private queueFor(name: string): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`no queue is registered for job ${name}`);
    return queue;
  }

  private anyQueue(): Queue {
    const [first] = this.queues.values();
    if (!first) throw new Error('no queue is registered');
    return first;
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
