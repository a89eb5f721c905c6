import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTestDevice, signText } from '../../testing/ws/test-device';
import { DeviceAuthFields, deviceAuthPayload, deviceIdFromPublicKey, importDevicePublicKey, verifyDeviceSignature } from './device-signature';

const device = createTestDevice();
const fields: DeviceAuthFields = {
  deviceId: device.id,
  clientId: 'cli',
  clientMode: 'backend',
  role: 'operator',
  scopes: ['operator.read', 'operator.write'],
  signedAtMs: 1_700_000_000_123,
  token: 'tok',
  nonce: 'nonce-1',
  platform: '  Darwin ',
  deviceFamily: 'MacBook',
};

function key() {
  const imported = importDevicePublicKey(device.publicKey);
  if (!imported) throw new Error('test key did not import');
  return imported.key;
}

describe('device auth payload', () => {
  it('joins the v2 fields with | and the scopes with ,', () => {
    expect(deviceAuthPayload('v2', fields)).toBe(`v2|${device.id}|cli|backend|operator|operator.read,operator.write|1700000000123|tok|nonce-1`);
  });

  it('appends trimmed, lower-cased platform and device family in v3', () => {
    expect(deviceAuthPayload('v3', fields)).toBe(`v3|${device.id}|cli|backend|operator|operator.read,operator.write|1700000000123|tok|nonce-1|darwin|macbook`);
  });

  it('signs an empty token and missing v3 fields as empty strings', () => {
    const bare = { ...fields, token: '', platform: undefined, deviceFamily: undefined };
    expect(deviceAuthPayload('v3', bare)).toBe(`v3|${device.id}|cli|backend|operator|operator.read,operator.write|1700000000123||nonce-1||`);
  });
});

describe('verifyDeviceSignature', () => {
  it('accepts a real Ed25519 signature over the v2 payload', () => {
    const signature = signText(device, `v2|${device.id}|cli|backend|operator|operator.read,operator.write|1700000000123|tok|nonce-1`);
    expect(verifyDeviceSignature(key(), signature, fields)).toBe('v2');
  });

  it('accepts a real Ed25519 signature over the v3 payload', () => {
    const signature = signText(device, `v3|${device.id}|cli|backend|operator|operator.read,operator.write|1700000000123|tok|nonce-1|darwin|macbook`);
    expect(verifyDeviceSignature(key(), signature, fields)).toBe('v3');
  });

  it('finds either version whichever it is told to try first', () => {
    const v2 = signText(device, deviceAuthPayload('v2', fields));
    const v3 = signText(device, deviceAuthPayload('v3', fields));
    expect(verifyDeviceSignature(key(), v2, fields, 'v2')).toBe('v2');
    expect(verifyDeviceSignature(key(), v3, fields, 'v2')).toBe('v3');
    expect(verifyDeviceSignature(key(), v2, fields, 'v3')).toBe('v2');
  });

  it('rejects a signature when any signed field differs', () => {
    const signature = signText(device, deviceAuthPayload('v2', fields));
    expect(verifyDeviceSignature(key(), signature, { ...fields, scopes: ['operator.read', 'operator.admin'] })).toBeNull();
    expect(verifyDeviceSignature(key(), signature, { ...fields, token: 'other' })).toBeNull();
    expect(verifyDeviceSignature(key(), signature, { ...fields, signedAtMs: fields.signedAtMs + 1 })).toBeNull();
  });

  it('rejects a signature made with another device key', () => {
    const signature = signText(createTestDevice(), deviceAuthPayload('v2', fields));
    expect(verifyDeviceSignature(key(), signature, fields)).toBeNull();
  });

  it('rejects signatures that are not 64 bytes of base64url', () => {
    expect(verifyDeviceSignature(key(), 'not base64!', fields)).toBeNull();
    expect(verifyDeviceSignature(key(), Buffer.alloc(32).toString('base64url'), fields)).toBeNull();
  });
});

describe('device identity', () => {
  it('derives the id as hex SHA-256 of the raw public key', () => {
    const raw = Buffer.from(device.publicKey, 'base64url');
    expect(deviceIdFromPublicKey(raw)).toBe(createHash('sha256').update(raw).digest('hex'));
    expect(deviceIdFromPublicKey(raw)).toBe(device.id);
  });

  it('refuses public keys that are not 32 raw bytes', () => {
    expect(importDevicePublicKey(Buffer.alloc(31).toString('base64url'))).toBeNull();
    expect(importDevicePublicKey('%%%')).toBeNull();
  });
});
