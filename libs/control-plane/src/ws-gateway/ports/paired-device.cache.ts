import { ExpiringCache, type ExpiringCacheOptions } from '@switchboard/core';
import { Clock } from '../../ws/ports/clock.port';
import { DeviceAuthState } from '../../ws/ports/device-store.port';

export type PairedDeviceCacheOptions = ExpiringCacheOptions;

/**
 * The auth state of paired devices, so that a device reconnecting does not cost a database read.
 * Unpaired devices are not kept: their connects open pairing requests, which read the database
 * anyway, and strangers inventing device ids must not push paired devices out.
 */
export class PairedDeviceCache {
  private readonly cache: ExpiringCache<DeviceAuthState>;

  constructor(options: PairedDeviceCacheOptions, clock: Clock) {
    this.cache = new ExpiringCache(options, () => clock.now());
  }

  get(deviceId: string, load: (deviceId: string) => Promise<DeviceAuthState>): Promise<DeviceAuthState> {
    return this.cache.get(deviceId, load, (state) => state.paired !== null);
  }

  /**
   * The device changed (paired, rejected, revoked, given a token): read it afresh next time. Call
   * it once the write is done, so that no read racing the write is kept.
   */
  invalidate(deviceId: string): void {
    this.cache.invalidate(deviceId);
  }
}
