import { beforeEach, describe, expect, it } from 'vitest';
import { PairedDevice, PairingRequest } from '../ports/device-store.port';
import { OPERATOR_SCOPES } from '../protocol/scopes';
import { StaticGatewayCredentials, TEST_GATEWAY_PASSWORD, TEST_GATEWAY_TOKEN } from '../../testing/ws/fake-gateway.ports';
import { InMemoryDeviceStore } from '../../testing/ws/in-memory-device.store';
import { ConnectOptions, TestDevice, connectParams, createTestDevice } from '../../testing/ws/test-device';
import { ConnectHandshake, HandshakeAccepted, HandshakeOutcome, HandshakeRejected, HandshakeSettings, negotiateProtocol } from './connect.handshake';
import { hashDeviceToken } from './device-token';

const NOW = 1_800_000_000_000;
const NONCE = 'challenge-nonce';
const SETTINGS: HandshakeSettings = { protocols: { min: 3, max: 4 }, signatureMaxSkewMs: 120_000, autoPairLoopback: true };

describe('negotiateProtocol', () => {
  it('picks the highest version both sides speak', () => {
    expect(negotiateProtocol(3, 4, { min: 3, max: 4 })).toBe(4);
    expect(negotiateProtocol(1, 3, { min: 3, max: 4 })).toBe(3);
    expect(negotiateProtocol(4, 9, { min: 3, max: 4 })).toBe(4);
  });

  it('finds no version when the ranges do not overlap', () => {
    expect(negotiateProtocol(1, 2, { min: 3, max: 4 })).toBeNull();
    expect(negotiateProtocol(5, 6, { min: 3, max: 4 })).toBeNull();
    expect(negotiateProtocol(4, 3, { min: 3, max: 4 })).toBeNull();
  });
});

describe('ConnectHandshake', () => {
  let devices: InMemoryDeviceStore;
  let requested: PairingRequest[];
  let autoPaired: PairedDevice[];
  let handshake: ConnectHandshake;
  let device: TestDevice;

  beforeEach(() => {
    devices = new InMemoryDeviceStore();
    requested = [];
    autoPaired = [];
    device = createTestDevice();
    handshake = handshakeWith(SETTINGS);
  });

  function handshakeWith(settings: HandshakeSettings) {
    return new ConnectHandshake(
      {
        credentials: new StaticGatewayCredentials(),
        devices,
        clock: { now: () => NOW },
        random: (size) => Buffer.alloc(size, 7),
        onPairingRequested: (request) => requested.push(request),
        onAutoPaired: (paired) => autoPaired.push(paired),
      },
      settings,
    );
  }

  const run = (options: ConnectOptions, isLoopback = true, nonce = NONCE): Promise<HandshakeOutcome> =>
    handshake.run({ params: connectParams({ signing: { nonce: NONCE, signedAt: NOW }, ...options }), nonce, remoteIp: '10.1.2.3', isLoopback });

  async function accepted(options: ConnectOptions, isLoopback = true): Promise<HandshakeAccepted> {
    const outcome = await run(options, isLoopback);
    if (!outcome.ok) throw new Error(`expected success, got ${JSON.stringify(outcome.error)}`);
    return outcome;
  }

  async function rejected(options: ConnectOptions, isLoopback = true, nonce = NONCE): Promise<HandshakeRejected> {
    const outcome = await run(options, isLoopback, nonce);
    if (outcome.ok) throw new Error('expected a rejection');
    return outcome;
  }

  it('grants a gateway-token operator the scopes it asked for, at the highest common protocol', async () => {
    const outcome = await accepted({ token: TEST_GATEWAY_TOKEN, scopes: ['operator.read', 'operator.pairing'] });
    expect(outcome).toEqual({ ok: true, protocol: 4, role: 'operator', scopes: ['operator.read', 'operator.pairing'], authMethod: 'token' });
  });

  it('accepts the gateway password', async () => {
    expect((await accepted({ password: TEST_GATEWAY_PASSWORD })).authMethod).toBe('password');
  });

  it('refuses a wrong password as a bad secret', async () => {
    const outcome = await rejected({ password: 'guess' });
    expect(outcome.error.details?.code).toBe('AUTH_PASSWORD_MISMATCH');
    expect(outcome.badSecret).toBe(true);
  });

  it('refuses a connect without any credential, without counting it as a bad secret', async () => {
    const outcome = await rejected({});
    expect(outcome.error.details?.code).toBe('AUTH_TOKEN_MISSING');
    expect(outcome.badSecret).toBe(false);
  });

  it('requires a device identity for nodes and for device tokens', async () => {
    expect((await rejected({ token: TEST_GATEWAY_TOKEN, role: 'node' })).error.details?.code).toBe('DEVICE_IDENTITY_REQUIRED');
    expect((await rejected({ deviceToken: 'x' })).error.details?.code).toBe('DEVICE_IDENTITY_REQUIRED');
  });

  it('closes 1002 on a protocol mismatch and tells the client what the server speaks', async () => {
    const outcome = await rejected({ token: TEST_GATEWAY_TOKEN, minProtocol: 5, maxProtocol: 5 });
    expect(outcome.closeCode).toBe(1002);
    expect(outcome.error.details).toEqual({ code: 'PROTOCOL_MISMATCH', minProtocol: 3, maxProtocol: 4 });
  });

  it('accepts a signedAt exactly two minutes old and refuses one a millisecond older', async () => {
    await accepted({ token: TEST_GATEWAY_TOKEN, device, signing: { nonce: NONCE, signedAt: NOW - 120_000 } });
    const outcome = await rejected({ token: TEST_GATEWAY_TOKEN, device, signing: { nonce: NONCE, signedAt: NOW - 120_001 } });
    expect(outcome.error.details?.code).toBe('DEVICE_AUTH_SIGNATURE_EXPIRED');
  });

  it('refuses a device whose id is not the hash of its key', async () => {
    const other = createTestDevice();
    const outcome = await rejected({ token: TEST_GATEWAY_TOKEN, device: { ...device, id: other.id } });
    expect(outcome.error.details?.code).toBe('DEVICE_AUTH_DEVICE_ID_MISMATCH');
  });

  it('auto-pairs a new loopback device and hands it a token whose hash alone is stored', async () => {
    const outcome = await accepted({ token: TEST_GATEWAY_TOKEN, device, scopes: ['operator.read'] });
    expect(outcome.deviceToken).toEqual(expect.any(String));
    expect(devices.tokenHashes.get(device.id)).toBe(hashDeviceToken(outcome.deviceToken as string));
    expect(devices.devices.get(device.id)?.scopes).toEqual(['operator.read']);
    // Reported as paired, not as a request an operator should approve.
    expect(requested).toEqual([]);
    expect(autoPaired).toEqual([expect.objectContaining({ deviceId: device.id, roles: ['operator'] })]);
  });

  it('opens one pairing request for a new remote device however often it retries', async () => {
    const first = await rejected({ token: TEST_GATEWAY_TOKEN, device }, false);
    const second = await rejected({ token: TEST_GATEWAY_TOKEN, device }, false);
    expect(first.error).toMatchObject({ code: 'NOT_PAIRED', details: { code: 'PAIRING_REQUIRED', requestId: requested[0].requestId } });
    expect(second.error.details?.requestId).toBe(requested[0].requestId);
    expect(requested).toHaveLength(1);
    expect(first.closeReason).toBe(`pairing required (requestId: ${requested[0].requestId})`);
  });

  it('does not auto-pair over loopback when that is switched off', async () => {
    handshake = handshakeWith({ ...SETTINGS, autoPairLoopback: false });
    expect((await rejected({ token: TEST_GATEWAY_TOKEN, device })).error.code).toBe('NOT_PAIRED');
  });

  it('grants a device token no more than the device was approved for', async () => {
    const { deviceToken } = await accepted({ token: TEST_GATEWAY_TOKEN, device, scopes: ['operator.read'] });
    const outcome = await accepted({ deviceToken, device, scopes: ['operator.read', 'operator.admin'] });
    expect(outcome).toMatchObject({ authMethod: 'device-token', scopes: ['operator.read'], deviceId: device.id });
    expect(outcome.deviceToken).toBeUndefined();
  });

  it('accepts a device token sent as auth.token, as openclaw-node does', async () => {
    const { deviceToken } = await accepted({ token: TEST_GATEWAY_TOKEN, device });
    expect((await accepted({ token: deviceToken, device })).authMethod).toBe('device-token');
  });

  it('refuses another device token and counts it as a bad secret', async () => {
    await accepted({ token: TEST_GATEWAY_TOKEN, device });
    const outcome = await rejected({ deviceToken: 'not-the-token', device });
    expect(outcome).toMatchObject({ closeCode: 1008, badSecret: true, error: { details: { code: 'AUTH_TOKEN_MISMATCH' } } });
  });

  it('hands a paired device its token once: later connects with the gateway token keep it valid', async () => {
    const first = await accepted({ token: TEST_GATEWAY_TOKEN, device });
    const second = await accepted({ token: TEST_GATEWAY_TOKEN, device });
    expect(second.deviceToken).toBeUndefined();
    expect((await accepted({ deviceToken: first.deviceToken, device })).authMethod).toBe('device-token');
  });

  it('refuses a revoked device its token on the next connect and asks it to pair again', async () => {
    const { deviceToken } = await accepted({ token: TEST_GATEWAY_TOKEN, device });
    await devices.revoke(device.id);

    const outcome = await rejected({ deviceToken, device }, false);
    expect(outcome.error.details?.code).toBe('AUTH_TOKEN_MISMATCH');
    expect((await rejected({ token: TEST_GATEWAY_TOKEN, device }, false)).error.code).toBe('NOT_PAIRED');
  });

  it('issues a new token when a revoked device is paired again', async () => {
    const first = await accepted({ token: TEST_GATEWAY_TOKEN, device });
    await devices.revoke(device.id);
    handshake = new ConnectHandshake(
      { credentials: new StaticGatewayCredentials(), devices, clock: { now: () => NOW }, random: (size) => Buffer.alloc(size, 9), onPairingRequested: () => undefined, onAutoPaired: () => undefined },
      SETTINGS,
    );
    const again = await accepted({ token: TEST_GATEWAY_TOKEN, device });
    expect(again.deviceToken).toEqual(expect.any(String));
    expect(again.deviceToken).not.toBe(first.deviceToken);
  });

  it('asks for pairing again when a paired operator device connects as a node', async () => {
    const { deviceToken } = await accepted({ token: TEST_GATEWAY_TOKEN, device });
    const outcome = await rejected({ deviceToken, device, role: 'node' }, false);
    expect(outcome.error.code).toBe('NOT_PAIRED');
    expect(requested[0]).toMatchObject({ deviceId: device.id, role: 'node' });
  });

  describe('on a gateway without a shared secret (deviceSignatureAuth)', () => {
    beforeEach(() => {
      handshake = handshakeWith({ ...SETTINGS, deviceSignatureAuth: true });
    });

    it('asks a new device for pairing even over loopback, then admits it by its signature once approved', async () => {
      const first = await rejected({ device, scopes: ['operator.read'] });
      expect(first.error).toMatchObject({ code: 'NOT_PAIRED', details: { requestId: requested[0].requestId } });
      expect(first.badSecret).toBe(false);

      await devices.approve(requested[0].requestId, ['operator.read'], NOW);
      const outcome = await accepted({ device, scopes: ['operator.read', 'operator.admin'] });
      expect(outcome).toMatchObject({ authMethod: 'device-signature', scopes: ['operator.read'], deviceId: device.id });
      expect(devices.tokenHashes.get(device.id)).toBe(hashDeviceToken(outcome.deviceToken as string));
      expect((await accepted({ token: outcome.deviceToken, device })).authMethod).toBe('device-token');
    });

    it('still refuses a connect with neither a secret nor a device identity', async () => {
      expect((await rejected({})).error.details?.code).toBe('AUTH_TOKEN_MISSING');
    });
  });

  it('refuses a device without a secret when the gateway has one', async () => {
    expect((await rejected({ device })).error.details?.code).toBe('AUTH_TOKEN_MISSING');
    expect(requested).toEqual([]);
  });

  it('grants every operator scope the gateway token covers, and nothing unknown', async () => {
    const outcome = await accepted({ token: TEST_GATEWAY_TOKEN, scopes: [...OPERATOR_SCOPES, 'node.exec'] });
    expect(outcome.scopes).toEqual([...OPERATOR_SCOPES]);
  });
});
