import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_KINDS, TestDatabase, openTestDatabase } from '../security/testing-databases';
import { DeviceRepository, NewDevicePairingRequest } from './device.repository';

const t0 = new Date('2030-01-01T10:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const hash = (text: string) => createHash('sha256').update(text).digest('hex');

function newRequest(overrides: Partial<NewDevicePairingRequest> = {}): NewDevicePairingRequest {
  return {
    deviceId: randomBytes(32).toString('hex'),
    publicKey: randomBytes(32).toString('base64url'),
    clientId: 'openclaw-node',
    clientMode: 'backend',
    platform: 'linux',
    role: 'operator',
    scopes: ['operator.read', 'operator.write'],
    remoteIp: '203.0.113.7',
    at: t0,
    ...overrides,
  };
}

describe.each(TEST_DATABASE_KINDS)('DeviceRepository on %s', (kind) => {
  let database: TestDatabase;
  let devices: DeviceRepository;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    devices = new DeviceRepository(database.db);
  });
  afterAll(() => database.close());

  it('opens one request per device and role however often the device retries', async () => {
    const input = newRequest({ displayName: 'Ada laptop' });
    const first = await devices.requestPairing(input);
    const again = await devices.requestPairing({ ...input, at: at(1_000) });

    expect(first).toEqual({
      created: true,
      request: {
        deviceId: input.deviceId,
        publicKey: input.publicKey,
        clientId: 'openclaw-node',
        clientMode: 'backend',
        displayName: 'Ada laptop',
        platform: 'linux',
        role: 'operator',
        scopes: ['operator.read', 'operator.write'],
        remoteIp: '203.0.113.7',
        requestedAt: t0,
      },
    });
    expect(again).toEqual({ created: false, request: first.request });
    expect((await devices.listPendingRequests()).filter((r) => r.deviceId === input.deviceId)).toHaveLength(1);
    expect(await devices.findPaired(input.deviceId)).toBeNull();
  });

  it('records a single request when one device connects several times at once', async () => {
    const input = newRequest();
    const results = await Promise.all(Array.from({ length: 4 }, () => devices.requestPairing(input)));
    expect(results.filter((result) => result.created)).toHaveLength(1);
  });

  it('pairs the device on approval with exactly the given scopes and closes the request', async () => {
    const input = newRequest();
    await devices.requestPairing(input);

    const paired = await devices.approve(input.deviceId, ['operator.read'], at(5_000), 'cli');
    expect(paired).toEqual({
      id: input.deviceId,
      publicKey: input.publicKey,
      clientId: 'openclaw-node',
      clientMode: 'backend',
      displayName: null,
      platform: 'linux',
      roles: ['operator'],
      scopes: ['operator.read'],
      createdAt: t0,
      approvedAt: at(5_000),
    });
    expect(await devices.findPendingRequest(input.deviceId)).toBeNull();
    expect(await devices.approve(input.deviceId, ['operator.admin'], at(6_000), 'cli')).toBeNull();
    expect((await devices.listPaired()).map((device) => device.id)).toContain(input.deviceId);
  });

  it('keeps a paired operator paired while it asks to be a node too, and adds the role on approval', async () => {
    const input = newRequest();
    await devices.requestPairing(input);
    await devices.approve(input.deviceId, ['operator.read'], at(1_000), 'cli');

    const { request, created } = await devices.requestPairing({ ...input, role: 'node', scopes: [], at: at(2_000) });
    expect(created).toBe(true);
    expect(request).toMatchObject({ role: 'node', requestedAt: at(2_000) });
    expect((await devices.findPaired(input.deviceId))?.roles).toEqual(['operator']);

    expect((await devices.approve(input.deviceId, [], at(3_000), 'cli'))?.roles).toEqual(['operator', 'node']);
  });

  it('rejects a request: a new device stays unpaired, a paired one keeps its pairing', async () => {
    const stranger = newRequest();
    await devices.requestPairing(stranger);
    expect((await devices.reject(stranger.deviceId, at(1_000), 'cli'))?.deviceId).toBe(stranger.deviceId);
    expect(await devices.reject(stranger.deviceId, at(1_000), 'cli')).toBeNull();
    expect(await devices.findPaired(stranger.deviceId)).toBeNull();
    expect(await devices.findPendingRequest(stranger.deviceId)).toBeNull();

    const known = newRequest();
    await devices.requestPairing(known);
    await devices.approve(known.deviceId, ['operator.read'], at(1_000), 'cli');
    await devices.requestPairing({ ...known, role: 'node', at: at(2_000) });
    await devices.reject(known.deviceId, at(3_000), 'cli');
    expect(await devices.findPaired(known.deviceId)).toMatchObject({ roles: ['operator'], approvedAt: at(1_000) });
  });

  it('opens a new request after a rejection', async () => {
    const input = newRequest();
    await devices.requestPairing(input);
    await devices.reject(input.deviceId, at(1_000), 'cli');
    expect((await devices.requestPairing({ ...input, at: at(2_000) })).created).toBe(true);
  });

  it('approves the request open at that moment: a request for another role replaces an older one', async () => {
    const input = newRequest();
    const { request } = await devices.requestPairing(input);
    await devices.requestPairing({ ...input, role: 'node', at: at(1_000) });

    const paired = await devices.approve(request.deviceId, ['operator.read'], at(2_000), 'cli');
    expect(paired?.roles).toEqual(['node']);
  });

  it('keeps the first token hash issued to a paired device and refuses one for an unpaired device', async () => {
    const input = newRequest();
    await devices.requestPairing(input);
    expect(await devices.issueTokenHash(input.deviceId, hash('too early'))).toBe(false);
    await devices.approve(input.deviceId, ['operator.read'], t0, 'cli');

    expect(await devices.findAuthState(input.deviceId)).toMatchObject({ paired: { scopes: ['operator.read'] }, tokenHash: null });
    expect(await devices.issueTokenHash(input.deviceId, hash('first'))).toBe(true);
    expect(await devices.issueTokenHash(input.deviceId, hash('second'))).toBe(false);
    expect((await devices.findAuthState(input.deviceId)).tokenHash).toBe(hash('first'));
    expect(await devices.findAuthState(newRequest().deviceId)).toEqual({ paired: null, tokenHash: null });
  });

  it('revokes a paired device: roles, scopes, token and open request are gone, and it may ask again', async () => {
    const input = newRequest();
    await devices.requestPairing(input);
    await devices.approve(input.deviceId, ['operator.read'], t0, 'cli');
    await devices.issueTokenHash(input.deviceId, hash('token'));
    await devices.requestPairing({ ...input, role: 'node', at: at(1_000) });

    expect((await devices.revoke(input.deviceId, at(2_000), 'cli'))?.roles).toEqual(['operator']);
    expect(await devices.findAuthState(input.deviceId)).toEqual({ paired: null, tokenHash: null });
    expect(await devices.findPendingRequest(input.deviceId)).toBeNull();
    expect(await devices.revoke(input.deviceId, at(3_000), 'cli')).toBeNull();

    expect((await devices.requestPairing({ ...input, at: at(4_000) })).created).toBe(true);
    await devices.approve(input.deviceId, ['operator.read'], at(5_000), 'cli');
    expect(await devices.issueTokenHash(input.deviceId, hash('new token'))).toBe(true);
  });
});
