import { describe, expect, it } from 'vitest';
import { createTestDevice } from '../../testing/ws/test-device';
import { DeviceKeys } from './device-keys';

describe('DeviceKeys', () => {
  it('imports a key with the device id it stands for, and refuses what is not a raw Ed25519 key', () => {
    const device = createTestDevice();
    const keys = new DeviceKeys(10);
    expect(keys.find(device.publicKey)).toMatchObject({ deviceId: device.id, signs: 'v3' });
    expect(keys.find('not a key')).toBeNull();
    expect(keys.find(Buffer.alloc(31).toString('base64url'))).toBeNull();
  });

  it('tries first the version a key signed last', () => {
    const device = createTestDevice();
    const keys = new DeviceKeys(10);
    keys.verified(device.publicKey, keys.find(device.publicKey)!, 'v2');
    expect(keys.find(device.publicKey)).toMatchObject({ deviceId: device.id, signs: 'v2' });
    keys.verified(device.publicKey, keys.find(device.publicKey)!, 'v3');
    expect(keys.find(device.publicKey)?.signs).toBe('v3');
  });

  it('forgets the oldest key when full', () => {
    const [first, second, third] = [createTestDevice(), createTestDevice(), createTestDevice()];
    const keys = new DeviceKeys(2);
    for (const device of [first, second, third]) keys.verified(device.publicKey, keys.find(device.publicKey)!, 'v2');
    expect(keys.find(first.publicKey)?.signs).toBe('v3');
    expect(keys.find(second.publicKey)?.signs).toBe('v2');
    expect(keys.find(third.publicKey)?.signs).toBe('v2');
  });
});
