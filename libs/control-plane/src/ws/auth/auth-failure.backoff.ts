import { Clock } from '../ports/clock.port';

export interface AuthBackoffOptions {
  /** Failures per source answered without delay (a typo should not hurt). */
  freeFailures: number;
  /** Delay of the first slowed failure; doubles with each further one. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A source with no failure for this long starts over. */
  forgetAfterMs: number;
  /** Sources tracked at most; the oldest is forgotten first, so memory stays bounded. */
  maxSources: number;
}

export const DEFAULT_AUTH_BACKOFF: AuthBackoffOptions = {
  freeFailures: 1,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
  forgetAfterMs: 15 * 60_000,
  maxSources: 10_000,
};

interface SourceState {
  failures: number;
  lastFailureAt: number;
}

/** Slows down repeated bad credentials from one source (IP): the answer is delayed, not refused. */
export class AuthFailureBackoff {
  private readonly sources = new Map<string, SourceState>();

  constructor(
    private readonly options: AuthBackoffOptions,
    private readonly clock: Clock,
  ) {}

  /** Records a failure and returns how long to wait before answering it. */
  recordFailure(source: string): number {
    const now = this.clock.now();
    const previous = this.sources.get(source);
    const fresh = !previous || now - previous.lastFailureAt > this.options.forgetAfterMs;
    const failures = fresh ? 1 : previous.failures + 1;
    // Re-insert so Map order is least-recently-failed first.
    this.sources.delete(source);
    this.sources.set(source, { failures, lastFailureAt: now });
    if (this.sources.size > this.options.maxSources) {
      const oldest = this.sources.keys().next().value as string;
      this.sources.delete(oldest);
    }
    return this.delayFor(failures);
  }

  recordSuccess(source: string): void {
    this.sources.delete(source);
  }

  private delayFor(failures: number): number {
    const slowed = failures - this.options.freeFailures;
    if (slowed <= 0) return 0;
    return Math.min(this.options.baseDelayMs * 2 ** (slowed - 1), this.options.maxDelayMs);
  }
}
