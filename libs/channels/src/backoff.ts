import { backoffDelayMs } from '@switchboard/core';

/**
 * Delays for retrying something that keeps failing: doubling from `firstMs` up to `maxMs`, each
 * drawn between half and all of that so replicas failing together do not retry together.
 */
export class Backoff {
  private failures = 0;

  constructor(
    private readonly firstMs = 1_000,
    private readonly maxMs = 30_000,
    private readonly random: () => number = Math.random,
  ) {}

  /** The delay before the next try after one more failure. */
  next(): number {
    this.failures += 1;
    return backoffDelayMs(this.failures, this.firstMs, this.maxMs, this.random);
  }

  /** After a success: the next failure waits `firstMs` again. */
  reset(): void {
    this.failures = 0;
  }
}
