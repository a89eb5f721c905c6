import type { JobMap } from './job-map';

/** What a job handler receives. `attempt` counts from 1. */
export interface JobContext<P> {
  id: string;
  name: string;
  payload: P;
  attempt: number;
  maxAttempts: number;
}

export type JobHandler<P> = (job: JobContext<P>) => Promise<void>;

export interface AddJobOptions {
  /**
   * Dedupe key: adding a job whose id is already known (waiting, running, retrying, dead, or among
   * the completed ones kept, see QueueDefaults.keepCompleted) does nothing and returns that id.
   */
  jobId?: string;
  delayMs?: number;
  /** Overrides the configured number of attempts. */
  attempts?: number;
}

export interface ProcessOptions {
  /** Jobs of this name run at once in this process; defaults to the configured concurrency. */
  concurrency?: number;
}

export interface QueueCounts {
  waiting: number;
  active: number;
  /** Waiting for a retry or a delay. */
  delayed: number;
  /** Out of attempts or failed permanently: the dead-letter list. */
  dead: number;
}

export interface DeadLetter {
  id: string;
  name: string;
  payload: unknown;
  attempts: number;
  error: string;
  failedAt: Date | null;
}

/**
 * The queue port. Two drivers share these semantics: attempts, exponential backoff with jitter
 * (a RATE_LIMITED error's retryAfterMs is honoured), non-retryable DomainErrors go straight to the
 * dead-letter list, a concurrency limit per job name, job ids for dedupe, and durability: a job
 * `add` resolved for runs even if the process is killed right after (at least once).
 */
export interface QueueDriver<M extends object = JobMap> {
  readonly kind: 'bullmq' | 'in-process';
  add<N extends keyof M & string>(name: N, payload: M[N], options?: AddJobOptions): Promise<string>;
  /** Registers the handler of a job name and starts consuming it. One handler per name. */
  process<N extends keyof M & string>(name: N, handler: JobHandler<M[N]>, options?: ProcessOptions): Promise<void>;
  counts(name: keyof M & string): Promise<QueueCounts>;
  deadLetters(name: keyof M & string, limit?: number): Promise<DeadLetter[]>;
  /** Whether the job with this id is on the dead-letter list (adding it again does nothing). */
  isDead(name: keyof M & string, jobId: string): Promise<boolean>;
  /** Rejects when the backing store is unreachable. */
  ping(): Promise<void>;
  /** Stops taking jobs, waits up to `drainTimeoutMs` for running ones, then releases resources. */
  close(drainTimeoutMs: number): Promise<void>;
}

export const QUEUE_DRIVER = Symbol('QUEUE_DRIVER');

/** Defaults every driver applies when a job does not say otherwise. */
export interface QueueDefaults {
  attempts: number;
  backoffMs: number;
  concurrency: number;
  /** Completed jobs kept per queue (the newest, for a day at most); default KEEP_COMPLETED_JOBS. */
  keepCompleted?: number;
}

/**
 * Completed jobs are kept for a while so that a job id added again soon after is still known,
 * but not for ever: at sustained load a day of jobs would fill Redis (or the embedded database).
 * The message row, not the queue, records what was answered.
 */
export const KEEP_COMPLETED_JOBS = 10_000;
export const KEEP_COMPLETED_MAX_AGE_MS = 24 * 3600_000;
