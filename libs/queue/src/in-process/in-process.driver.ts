import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { QueueJobRepository, StoredJob } from '@switchboard/persistence';
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
import { isOutage, outageDelayMs, retryDuringOutage } from '../outage';
import { errorText, isRetryable, retryDelayMs } from '../retry-policy';

/** A job in memory; `claimed` when its row is already ours (run again after an outage). */
type ScheduledJob = StoredJob & { claimed?: boolean; outagesInARow?: number };

interface Lane {
  handler: JobHandler<unknown>;
  concurrency: number;
  ready: ScheduledJob[];
  running: number;
}

/**
 * Runs jobs in this process, keeping each one in the database until it completes, so a job that
 * was added survives a crash: on start the unfinished rows are scheduled again. For one replica
 * (embedded mode); several replicas need the BullMQ driver.
 */
export class InProcessQueueDriver<M extends object> implements QueueDriver<M> {
  readonly kind = 'in-process';
  private readonly logger = new Logger('InProcessQueue');
  private readonly lanes = new Map<string, Lane>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  /** Jobs completed per name since their completed ones were last pruned. */
  private readonly completedSincePrune = new Map<string, number>();
  private closing = false;

  constructor(
    private readonly jobs: QueueJobRepository,
    private readonly defaults: QueueDefaults,
  ) {}

  async add<N extends keyof M & string>(name: N, payload: M[N], options: AddJobOptions = {}): Promise<string> {
    if (this.closing) throw new Error('the queue is shutting down');
    const job = {
      id: options.jobId ?? randomUUID(),
      name,
      payload,
      maxAttempts: options.attempts ?? this.defaults.attempts,
      backoffMs: this.defaults.backoffMs,
      runAt: new Date(Date.now() + (options.delayMs ?? 0)),
    };
    const stored = await this.jobs.insert(job);
    if (stored) {
      this.schedule({ ...job, status: 'waiting', attempts: 0, lastError: null, createdAt: new Date(), finishedAt: null });
    }
    return job.id;
  }

  async process<N extends keyof M & string>(name: N, handler: JobHandler<M[N]>, options: ProcessOptions = {}): Promise<void> {
    if (this.lanes.has(name)) throw new Error(`a handler for ${name} is already registered`);
    this.lanes.set(name, {
      handler: handler as JobHandler<unknown>,
      concurrency: options.concurrency ?? this.defaults.concurrency,
      ready: [],
      running: 0,
    });
    const unfinished = await this.jobs.findUnfinished([name]);
    if (unfinished.length) this.logger.log(`resuming ${unfinished.length} unfinished ${name} job(s)`);
    for (const job of unfinished) this.schedule(job);
  }

  async counts(name: keyof M & string): Promise<QueueCounts> {
    const stored = await this.jobs.counts(name);
    const ready = this.lanes.get(name)?.ready.length ?? 0;
    // Stored "waiting" rows are either ready now or due later (retry backoff, delay).
    const waiting = Math.min(ready, stored.waiting);
    return { waiting, active: stored.active, delayed: stored.waiting - waiting, dead: stored.dead };
  }

  async deadLetters(name: keyof M & string, limit = 50): Promise<DeadLetter[]> {
    const dead = await this.jobs.findDead(name, limit);
    return dead.map((job) => ({
      id: job.id,
      name: job.name,
      payload: job.payload,
      attempts: job.attempts,
      error: job.lastError ?? '',
      failedAt: job.finishedAt,
    }));
  }

  async isDead(name: keyof M & string, jobId: string): Promise<boolean> {
    return (await this.jobs.statusOf(name, jobId)) === 'dead';
  }

  async ping(): Promise<void> {
    await this.jobs.counts('__ping__');
  }

  async close(drainTimeoutMs: number): Promise<void> {
    this.closing = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const drained = Promise.all([...this.inFlight]).then(() => true);
    const timedOut = new Promise<boolean>((resolve) => setTimeout(resolve, drainTimeoutMs, false).unref());
    if (!(await Promise.race([drained, timedOut]))) {
      // The rows of jobs still running stay "active" and run again at the next start.
      this.logger.warn(`${this.inFlight.size} job(s) still running after ${drainTimeoutMs} ms; they will run again at the next start`);
    }
  }

  private schedule(job: ScheduledJob): void {
    const lane = this.lanes.get(job.name);
    if (!lane || this.closing) return; // stays in the database until a handler is registered
    const wait = job.runAt.getTime() - Date.now();
    if (wait <= 0) {
      lane.ready.push(job);
      this.pump(lane);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      lane.ready.push(job);
      this.pump(lane);
    }, wait);
    this.timers.add(timer);
  }

  private pump(lane: Lane): void {
    while (!this.closing && lane.running < lane.concurrency && lane.ready.length) {
      const job = lane.ready.shift()!;
      lane.running++;
      const run = this.run(lane, job).finally(() => {
        lane.running--;
        this.inFlight.delete(run);
        this.pump(lane);
      });
      this.inFlight.add(run);
    }
  }

  private async run(lane: Lane, job: ScheduledJob): Promise<void> {
    try {
      if (!job.claimed && !(await this.jobs.claim(job.id))) return;
    } catch (error) {
      if (isOutage(error)) return this.runAfterOutage({ ...job, claimed: false }, error);
      // The row keeps its state and the job runs again at the next start.
      this.logger.error(`queue store error on job ${job.name}/${job.id}: ${errorText(error)}`);
      return;
    }
    const attempt = job.attempts + 1;
    try {
      await lane.handler({ id: job.id, name: job.name, payload: job.payload, attempt, maxAttempts: job.maxAttempts });
    } catch (error) {
      // The database was away: no attempt is used; the row stays ours ("active") meanwhile.
      if (isOutage(error)) return this.runAfterOutage({ ...job, claimed: true }, error);
      await this.store(job, () => this.fail(job, attempt, error));
      return;
    }
    await this.store(job, () => this.jobs.complete(job.id));
    await this.pruneCompleted(job.name);
  }

  private runAfterOutage(job: ScheduledJob, error: unknown): void {
    const outagesInARow = (job.outagesInARow ?? 0) + 1;
    const runAt = new Date(Date.now() + outageDelayMs(outagesInARow));
    this.logger.warn(`job ${job.name}/${job.id} waits for an outage to end (no attempt used): ${errorText(error)}`);
    this.schedule({ ...job, runAt, outagesInARow });
  }

  /** Records a job's outcome, waiting out an outage of the database. */
  private async store(job: StoredJob, write: () => Promise<void>): Promise<void> {
    try {
      await retryDuringOutage(write);
    } catch (error) {
      // The row keeps its state and the job runs again at the next start.
      this.logger.error(`queue store error on job ${job.name}/${job.id}: ${errorText(error)}`);
    }
  }

  /** Keeps the newest completed jobs of a name only, pruning once every tenth of that many completions. */
  private async pruneCompleted(name: string): Promise<void> {
    const keep = this.defaults.keepCompleted ?? KEEP_COMPLETED_JOBS;
    const completed = (this.completedSincePrune.get(name) ?? 0) + 1;
    if (completed < Math.max(1, Math.floor(keep / 10))) {
      this.completedSincePrune.set(name, completed);
      return;
    }
    this.completedSincePrune.set(name, 0);
    // The job itself is done; a failed prune only leaves old rows for the next one.
    await this.jobs
      .pruneCompleted(name, keep, new Date(Date.now() - KEEP_COMPLETED_MAX_AGE_MS))
      .catch((error: unknown) => this.logger.warn(`pruning completed ${name} jobs failed: ${errorText(error)}`));
  }

  private async fail(job: ScheduledJob, attempt: number, error: unknown): Promise<void> {
    const reason = errorText(error);
    if (attempt >= job.maxAttempts || !isRetryable(error)) {
      this.logger.warn(`job ${job.name}/${job.id} dead after ${attempt} attempt(s): ${reason}`);
      await this.jobs.bury(job.id, reason);
      return;
    }
    const runAt = new Date(Date.now() + retryDelayMs(attempt, job.backoffMs, error));
    this.logger.warn(`job ${job.name}/${job.id} attempt ${attempt} failed, retrying at ${runAt.toISOString()}: ${reason}`);
    await this.jobs.retryLater(job.id, runAt, reason);
    this.schedule({ ...job, attempts: attempt, runAt, lastError: reason, claimed: false, outagesInARow: 0 });
  }
}
