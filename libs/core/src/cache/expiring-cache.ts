export interface ExpiringCacheOptions {
  /**
   * How long an entry is trusted. Changes made through this process call `invalidate`; a change
   * made by another replica on the same database is seen here only once the entry expires, so this
   * bounds how long such a change can lag.
   */
  ttlMs: number;
  /** Past this many entries the oldest goes. */
  maxEntries: number;
}

interface Entry<V> {
  value: V;
  expiresAtMs: number;
}

/**
 * Database reads kept in memory for a short time, for lookups on every request (credentials).
 * A load that an invalidation overtook is not kept: it may have read the row before the change.
 */
export class ExpiringCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private generation = 0;

  constructor(
    private readonly options: ExpiringCacheOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** The cached value, else `load`'s, kept when `keep` says so (e.g. not for unknown credentials). */
  async get(key: string, load: (key: string) => Promise<V>, keep: (value: V) => boolean = () => true): Promise<V> {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAtMs > this.now()) return entry.value;
    const generation = this.generation;
    const value = await load(key);
    this.entries.delete(key);
    if (generation === this.generation && keep(value)) this.remember(key, value);
    return value;
  }

  /** The value changed: read it afresh next time. Call it once the write is done. */
  invalidate(key: string): void {
    this.generation += 1;
    this.entries.delete(key);
  }

  clear(): void {
    this.generation += 1;
    this.entries.clear();
  }

  private remember(key: string, value: V): void {
    if (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    this.entries.set(key, { value, expiresAtMs: this.now() + this.options.ttlMs });
  }
}
