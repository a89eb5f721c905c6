import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';

/** What a run holding a session's lock knows of it. */
export interface SessionLease {
  /**
   * Unique to this run. The run's writes carry it, and the database refuses them once another
   * run of the session started (TurnRepository): a lock can be lost (a process stalled longer
   * than its lock lives), the token fences the writes of the run that lost it.
   */
  readonly token: string;
}

/**
 * One agent run per session at a time: runs for the same key wait in arrival order (within a
 * process); different keys run in parallel. In-process with the embedded queue (one process owns
 * the data), across processes through Redis with BullMQ (see RedisSessionLock).
 */
export interface SessionLock {
  run<T>(key: string, work: (lease: SessionLease) => Promise<T>): Promise<T>;
  /** Whether a run of this session is in progress (or, in this process, waiting), here or in another process. */
  isHeld(key: string): Promise<boolean>;
}

/** Nest token of the SessionLock. */
export const SESSION_LOCK = Symbol('SESSION_LOCK');

/** The lock of a single gateway process. */
@Injectable()
export class InProcessSessionLock implements SessionLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, work: (lease: SessionLease) => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => current);
    this.tails.set(key, tail);
    await previous;
    try {
      return await work({ token: randomUUID() });
    } finally {
      release();
      // The last run in line removes the entry so the map does not grow with every session.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  async isHeld(key: string): Promise<boolean> {
    return this.tails.has(key);
  }

  /** Sessions with a run in progress or waiting. */
  get busyCount(): number {
    return this.tails.size;
  }
}
