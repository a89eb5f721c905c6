/** A lease this process holds until it releases it or loses it. */
export interface Lease {
  readonly name: string;
  /**
   * Aborted the moment the lease stops being this process's: released, or lost (a renewal found
   * another owner, or renewals failed for so long that another process may take it). The reason
   * is an Error saying which. A holder stops its singleton work when this fires.
   */
  readonly lost: AbortSignal;
  /** Gives the lease up at once, so another process can take it without waiting for it to expire. */
  release(): Promise<void>;
}

/**
 * The lease port: named leases that at most one process holds at a time, for work that must run
 * once across replicas (a long-polling loop, a platform socket). Names are like
 * `channel:<platform>:<account>`. Two drivers: Redis (shared by the replicas) and in-process
 * (embedded mode, one process: a lease is free unless this process holds it).
 */
export interface LeaseDriver {
  readonly kind: 'redis' | 'in-process';
  /**
   * Takes `name` if no process holds it, and keeps renewing it until released or lost. Resolves
   * undefined when another holder has it; rejects when the lease store cannot be reached.
   */
  tryAcquire(name: string): Promise<Lease | undefined>;
  /** Releases every lease still held and closes the connection. */
  close(): Promise<void>;
}

export const LEASE_DRIVER = Symbol('LEASE_DRIVER');

/**
 * How often a process that wants a lease held by another asks again. With the Redis driver's
 * 10 s TTL, a dead holder's lease is taken over within about 12 s.
 */
export const LEASE_RETRY_MS = 2_000;
