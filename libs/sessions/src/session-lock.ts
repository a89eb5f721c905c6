import { Injectable } from '@nestjs/common';

/**
 * One agent run per session at a time: runs for the same key wait in arrival order (within a
 * process); different keys run in parallel. In-process with the embedded queue (one process owns
 * the data), across processes through Redis with BullMQ (see RedisSessionLock).
 */
export abstract class SessionLock {
  abstract run<T>(key: string, work: () => Promise<T>): Promise<T>;
  /** Whether a run of this session is in progress (or, in this process, waiting), here or in another process. */
  abstract isHeld(key: string): Promise<boolean>;
}

/** The lock of a single gateway process. */
@Injectable()
export class InProcessSessionLock extends SessionLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => current);
    this.tails.set(key, tail);
    await previous;
    try {
      return await work();
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
