import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeviceRepository } from '@switchboard/persistence';
import { TestDatabase, openTestDatabase } from '@switchboard/persistence/security/testing-databases';
import { ConnectHandshake, HandshakeOutcome } from '../../ws/auth/connect.handshake';
import { StaticGatewayCredentials, TEST_GATEWAY_TOKEN } from '../../testing/ws/fake-gateway.ports';
import { ConnectOptions, TestDevice, connectParams, createTestDevice } from '../../testing/ws/test-device';
import { DevicesAdminService } from '../devices/devices-admin';
import { DatabaseDeviceStore } from './database-device-store';

const NONCE = 'challenge-nonce';

describe('DatabaseDeviceStore under connects', () => {
  let database: TestDatabase;
  let store: DatabaseDeviceStore;
  let admin: DevicesAdminService;
  let handshake: ConnectHandshake;
  let device: TestDevice;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    database = await openTestDatabase('pglite');
  });
  afterAll(() => database.close());
  beforeEach(() => {
    store = new DatabaseDeviceStore(new DeviceRepository(database.db));
    admin = new DevicesAdminService(store);
    handshake = new ConnectHandshake(
      { credentials: new StaticGatewayCredentials(), devices: store, clock: { now: () => Date.now() }, random: randomBytes, onPairingRequested: () => undefined, onAutoPaired: () => undefined },
      { protocols: { min: 3, max: 4 }, signatureMaxSkewMs: 120_000, autoPairLoopback: false },
    );
    device = createTestDevice();
  });

  const connect = (options: ConnectOptions): Promise<HandshakeOutcome> =>
    handshake.run({ params: connectParams({ device, signing: { nonce: NONCE }, ...options }), nonce: NONCE, remoteIp: '203.0.113.5', isLoopback: false });

  async function pairedToken(): Promise<string> {
    await connect({ token: TEST_GATEWAY_TOKEN });
    await admin.approveDevice(device.id, 'cli');
    const first = await connect({ token: TEST_GATEWAY_TOKEN });
    if (!first.ok || !first.deviceToken) throw new Error('expected the first connect after approval to get a token');
    return first.deviceToken;
  }

  it('admits a device on its first connect after the CLI approved it', async () => {
    expect((await connect({ token: TEST_GATEWAY_TOKEN })).ok).toBe(false);
    await admin.approveDevice(device.id, 'cli');
    expect(await connect({ token: TEST_GATEWAY_TOKEN })).toMatchObject({ ok: true, deviceId: device.id, deviceToken: expect.any(String) });
  });

  it('refuses a revoked device on its next connect, though its last one was answered from memory', async () => {
    const deviceToken = await pairedToken();
    expect(await connect({ deviceToken })).toMatchObject({ ok: true, authMethod: 'device-token' });

    await admin.revokeDevice(device.id, 'cli');
    const outcome = await connect({ deviceToken });
    expect(outcome).toMatchObject({ ok: false, error: { details: { code: 'AUTH_TOKEN_MISMATCH' } } });
    expect(await connect({ token: TEST_GATEWAY_TOKEN })).toMatchObject({ ok: false, error: { code: 'NOT_PAIRED' } });
  });

  it('tells the CLI when the device to revoke is not paired', async () => {
    await expect(admin.revokeDevice(device.id, 'cli')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('DatabaseDeviceStore under a flood of new devices', () => {
  let database: TestDatabase;
  let handshake: ConnectHandshake;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    database = await openTestDatabase('pglite');
    const store = new DatabaseDeviceStore(new DeviceRepository(database.db));
    // A gateway without a token or password: unknown devices ask for pairing by their signature alone.
    handshake = new ConnectHandshake(
      { credentials: new StaticGatewayCredentials(), devices: store, clock: { now: () => Date.now() }, random: randomBytes, onPairingRequested: () => undefined, onAutoPaired: () => undefined },
      { protocols: { min: 3, max: 4 }, signatureMaxSkewMs: 120_000, autoPairLoopback: false, deviceSignatureAuth: true },
    );
  });
  afterAll(() => database.close());

  const newDeviceFrom = (remoteIp: string) =>
    handshake.run({ params: connectParams({ device: createTestDevice(), signing: { nonce: NONCE } }), nonce: NONCE, remoteIp, isLoopback: false });

  it('keeps 3 requests per address and 20 in all, and refuses the others with a retryable error frame', async () => {
    const fromOne = [];
    for (let i = 0; i < 10; i++) fromOne.push(await newDeviceFrom('198.51.100.1'));
    expect(fromOne.slice(0, 3).map((outcome) => !outcome.ok && outcome.error.code)).toEqual(['NOT_PAIRED', 'NOT_PAIRED', 'NOT_PAIRED']);
    for (const outcome of fromOne.slice(3)) {
      expect(outcome).toMatchObject({
        ok: false,
        closeCode: 1008,
        error: {
          code: 'UNAVAILABLE',
          message: 'too many devices from your address are waiting for pairing; try again later',
          details: { code: 'PAIRING_REQUESTS_FULL', limit: 'per_ip' },
          retryable: true,
          retryAfterMs: expect.any(Number),
        },
      });
      const { retryAfterMs } = (outcome as { error: { retryAfterMs: number } }).error;
      expect(retryAfterMs).toBeGreaterThan(0);
      expect(retryAfterMs).toBeLessThanOrEqual(60 * 60_000);
    }

    const others = [];
    for (let ip = 2; ip <= 7; ip++) for (let i = 0; i < 3; i++) others.push(await newDeviceFrom(`198.51.100.${ip}`));
    expect(others.slice(0, 17).every((outcome) => !outcome.ok && outcome.error.code === 'NOT_PAIRED')).toBe(true);
    expect(others[17]).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE', details: { code: 'PAIRING_REQUESTS_FULL', limit: 'total' } } });

    const admin = new DevicesAdminService(new DatabaseDeviceStore(new DeviceRepository(database.db)));
    expect((await admin.listDevices()).pending).toHaveLength(20);
  });
});
