import { Clock } from '../../ws/ports/clock.port';
import { DeviceAuthState } from '../../ws/ports/device-store.port';

export interface PairedDeviceCacheOptions {
  /**
   * How long an entry is trusted. Writes made through this process drop their device's entry at
   * once; a change made by another replica on the same database (an approval, a revocation) is
   * seen here only once the entry expires, so this bounds how long such a change can lag.
   */
  ttlMs: number;
  /** Past this many devices the oldest entry goes. */
  maxEntries: number;
}

interface Entry {
  state: DeviceAuthState;
  expiresAtMs: number;
}

/**
 * The auth state of paired devices, so that a device reconnecting does not cost a database read.
 * Unpaired devices are not kept: their connects open pairing requests, which read the database
 * anyway, and strangers inventing device ids must not push paired devices out.
 */
export class PairedDeviceCache {
  private readonly entries = new Map<string, Entry>();
  // Bumped by every invalidation: a load that started before one may have read the old row.
  private generation = 0;

  constructor(
    private readonly options: PairedDeviceCacheOptions,
    private readonly clock: Clock,
  ) {}

  async get(deviceId: string, load: (deviceId: string) => Promise<DeviceAuthState>): Promise<DeviceAuthState> {
    const entry = this.entries.get(deviceId);
    if (entry && entry.expiresAtMs > this.clock.now()) return entry.state;
    const generation = this.generation;
    const state = await load(deviceId);
    if (generation === this.generation) this.remember(deviceId, state);
    return state;
  }

  /**
   * The device changed (paired, rejected, revoked, given a token): read it afresh next time. Call
   * it once the write is done, so that no read racing the write is kept.
   */
  invalidate(deviceId: string): void {
    this.generation += 1;
    this.entries.delete(deviceId);
  }

  private remember(deviceId: string, state: DeviceAuthState): void {
    this.entries.delete(deviceId);
    if (!state.paired) return;
    if (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    this.entries.set(deviceId, { state, expiresAtMs: this.clock.now() + this.options.ttlMs });
  }
}
