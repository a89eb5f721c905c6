import { Clock } from '../ports/clock.port';
import { ErrorShape } from '../protocol/protocol-error';

export type MethodOutcome = { ok: true; payload: unknown } | { ok: false; error: ErrorShape };

type Listener = (response: MethodOutcome, final: boolean) => void;

/** The responses of the first call of a deduplicated request, shared with its repeats. */
export class DedupeEntry {
  private readonly responses: MethodOutcome[] = [];
  private readonly listeners = new Set<Listener>();
  private done = false;

  constructor(readonly expiresAt: number) {}

  /** Records one response of the first call (an `accepted` one, then the final one). */
  publish(response: MethodOutcome, final: boolean): void {
    this.responses.push(response);
    this.done = final;
    for (const listener of this.listeners) listener(response, final);
    if (final) this.listeners.clear();
  }

  /** Replays the responses so far to a repeat, then the rest as they come. */
  replay(listener: Listener): void {
    this.responses.forEach((response, index) => listener(response, this.done && index === this.responses.length - 1));
    if (!this.done) this.listeners.add(listener);
  }
}

/** Dedupe cache of side-effecting requests by idempotency key: bounded in time and in entries. */
export class IdempotencyCache {
  // Insertion order is expiry order (one TTL for all), so the oldest entries sit at the front.
  private readonly entries = new Map<string, DedupeEntry>();

  constructor(
    private readonly options: { ttlMs: number; maxEntries: number },
    private readonly clock: Clock,
  ) {}

  find(key: string): DedupeEntry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.clock.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  start(key: string): DedupeEntry {
    const now = this.clock.now();
    for (const [oldKey, entry] of this.entries) {
      if (entry.expiresAt > now && this.entries.size < this.options.maxEntries) break;
      this.entries.delete(oldKey);
    }
    const entry = new DedupeEntry(now + this.options.ttlMs);
    this.entries.set(key, entry);
    return entry;
  }

  /** Drops an entry so the next repeat runs again (used after a retryable failure). */
  forget(key: string, entry: DedupeEntry): void {
    if (this.entries.get(key) === entry) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
