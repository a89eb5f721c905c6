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
      { credentials: new StaticGatewayCredentials(), devices: store, clock: { now: () => Date.now() }, random: randomBytes, onPairingRequested: () => undefined },
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
