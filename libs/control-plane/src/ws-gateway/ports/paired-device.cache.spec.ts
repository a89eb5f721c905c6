import { describe, expect, it } from 'vitest';
import { DeviceAuthState, PairedDevice } from '../../ws/ports/device-store.port';
import { PairedDeviceCache } from './paired-device.cache';

const paired = (deviceId: string): DeviceAuthState => ({
  paired: { deviceId, publicKey: 'key', clientId: 'cli', clientMode: 'cli', roles: ['operator'], scopes: ['operator.read'], createdAtMs: 0, approvedAtMs: 0 } satisfies PairedDevice,
  tokenSha256Hex: 'a'.repeat(64),
});
const unpaired: DeviceAuthState = { paired: null, tokenSha256Hex: null };

/** A database stand-in that counts its reads; `rows` is what it answers now. */
function database(rows: Record<string, DeviceAuthState>) {
  const reads: string[] = [];
  const load = async (deviceId: string) => {
    reads.push(deviceId);
    return rows[deviceId] ?? unpaired;
  };
  return { rows, reads, load };
}

describe('PairedDeviceCache', () => {
  let now = 0;
  const clock = { now: () => now };
  const newCache = (maxEntries = 100) => new PairedDeviceCache({ ttlMs: 10_000, maxEntries }, clock);

  it('answers a paired device from memory until its entry expires', async () => {
    now = 0;
    const db = database({ d1: paired('d1') });
    const cache = newCache();
    expect(await cache.get('d1', db.load)).toEqual(paired('d1'));
    now = 9_999;
    await cache.get('d1', db.load);
    expect(db.reads).toEqual(['d1']);

    // Another replica revoked it: this one sees that once the entry expires.
    db.rows.d1 = unpaired;
    now = 10_000;
    expect(await cache.get('d1', db.load)).toEqual(unpaired);
    expect(db.reads).toEqual(['d1', 'd1']);
  });

  it('reads a device afresh after it is invalidated', async () => {
    now = 0;
    const db = database({ d1: paired('d1') });
    const cache = newCache();
    await cache.get('d1', db.load);
    db.rows.d1 = unpaired;
    cache.invalidate('d1');
    expect(await cache.get('d1', db.load)).toEqual(unpaired);
  });

  it('keeps no unpaired device, so a stranger is read every time', async () => {
    now = 0;
    const db = database({});
    const cache = newCache();
    await cache.get('stranger', db.load);
    await cache.get('stranger', db.load);
    expect(db.reads).toEqual(['stranger', 'stranger']);
  });

  it('does not keep what a read racing an invalidation returned', async () => {
    now = 0;
    const cache = newCache();
    let answer: (state: DeviceAuthState) => void = () => undefined;
    const slowRead = cache.get('d1', () => new Promise((resolve) => (answer = resolve)));
    // The device is revoked while the read is on its way, and the read saw the row before that.
    cache.invalidate('d1');
    answer(paired('d1'));
    await slowRead;

    const db = database({});
    expect(await cache.get('d1', db.load)).toEqual(unpaired);
  });

  it('drops the oldest device when full', async () => {
    now = 0;
    const db = database({ d1: paired('d1'), d2: paired('d2'), d3: paired('d3') });
    const cache = newCache(2);
    for (const id of ['d1', 'd2', 'd3']) await cache.get(id, db.load);
    await cache.get('d2', db.load);
    await cache.get('d3', db.load);
    await cache.get('d1', db.load);
    expect(db.reads).toEqual(['d1', 'd2', 'd3', 'd1']);
  });
});
