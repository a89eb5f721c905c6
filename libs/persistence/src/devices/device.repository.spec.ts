import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_KINDS, TestDatabase, openTestDatabase } from '../security/testing-databases';
import { DeviceRepository, NewDevicePairingRequest, PairingRequestWindow } from './device.repository';

const t0 = new Date('2030-01-01T10:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const hash = (text: string) => createHash('sha256').update(text).digest('hex');
const HOUR = 60 * 60_000;
// Requests made after this are open: every request of these tests, unless a test says otherwise.
const OPEN_SINCE = at(-HOUR);

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

  async function requestPairing(input: NewDevicePairingRequest, window: PairingRequestWindow = { openSince: OPEN_SINCE }) {
    const outcome = await devices.requestPairing(input, window);
    if ('refused' in outcome) throw new Error(`refused: ${outcome.refused}`);
    return outcome;
  }

  it('opens one request per device and role however often the device retries', async () => {
    const input = newRequest({ displayName: 'Ada laptop' });
    const first = await requestPairing(input);
    const again = await requestPairing({ ...input, at: at(1_000) });

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
    expect((await devices.listPendingRequests(OPEN_SINCE)).filter((r) => r.deviceId === input.deviceId)).toHaveLength(1);
    expect(await devices.findPaired(input.deviceId)).toBeNull();
  });

  it('records a single request when one device connects several times at once', async () => {
    const input = newRequest();
    const results = await Promise.all(Array.from({ length: 4 }, () => requestPairing(input)));
    expect(results.filter((result) => result.created)).toHaveLength(1);
  });

  it('pairs the device on approval with exactly the given scopes and closes the request', async () => {
    const input = newRequest();
    await requestPairing(input);

    const paired = await devices.approve(input.deviceId, ['operator.read'], at(5_000), 'cli', OPEN_SINCE);
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
    expect(await devices.findPendingRequest(input.deviceId, OPEN_SINCE)).toBeNull();
    expect(await devices.approve(input.deviceId, ['operator.admin'], at(6_000), 'cli', OPEN_SINCE)).toBeNull();
    expect((await devices.listPaired()).map((device) => device.id)).toContain(input.deviceId);
  });

  it('keeps a paired operator paired while it asks to be a node too, and adds the role on approval', async () => {
    const input = newRequest();
    await requestPairing(input);
    await devices.approve(input.deviceId, ['operator.read'], at(1_000), 'cli', OPEN_SINCE);

    const { request, created } = await requestPairing({ ...input, role: 'node', scopes: [], at: at(2_000) });
    expect(created).toBe(true);
    expect(request).toMatchObject({ role: 'node', requestedAt: at(2_000) });
    expect((await devices.findPaired(input.deviceId))?.roles).toEqual(['operator']);

    expect((await devices.approve(input.deviceId, [], at(3_000), 'cli', OPEN_SINCE))?.roles).toEqual(['operator', 'node']);
  });

  it('rejects a request: a new device stays unpaired, a paired one keeps its pairing', async () => {
    const stranger = newRequest();
    await requestPairing(stranger);
    expect((await devices.reject(stranger.deviceId, at(1_000), 'cli', OPEN_SINCE))?.deviceId).toBe(stranger.deviceId);
    expect(await devices.reject(stranger.deviceId, at(1_000), 'cli', OPEN_SINCE)).toBeNull();
    expect(await devices.findPaired(stranger.deviceId)).toBeNull();
    expect(await devices.findPendingRequest(stranger.deviceId, OPEN_SINCE)).toBeNull();

    const known = newRequest();
    await requestPairing(known);
    await devices.approve(known.deviceId, ['operator.read'], at(1_000), 'cli', OPEN_SINCE);
    await requestPairing({ ...known, role: 'node', at: at(2_000) });
    await devices.reject(known.deviceId, at(3_000), 'cli', OPEN_SINCE);
    expect(await devices.findPaired(known.deviceId)).toMatchObject({ roles: ['operator'], approvedAt: at(1_000) });
  });

  it('opens a new request after a rejection', async () => {
    const input = newRequest();
    await requestPairing(input);
    await devices.reject(input.deviceId, at(1_000), 'cli', OPEN_SINCE);
    expect((await requestPairing({ ...input, at: at(2_000) })).created).toBe(true);
  });

  it('approves the request open at that moment: a request for another role replaces an older one', async () => {
    const input = newRequest();
    const { request } = await requestPairing(input);
    await requestPairing({ ...input, role: 'node', at: at(1_000) });

    const paired = await devices.approve(request.deviceId, ['operator.read'], at(2_000), 'cli', OPEN_SINCE);
    expect(paired?.roles).toEqual(['node']);
  });

  it('keeps the first token hash issued to a paired device and refuses one for an unpaired device', async () => {
    const input = newRequest();
    await requestPairing(input);
    expect(await devices.issueTokenHash(input.deviceId, hash('too early'))).toBe(false);
    await devices.approve(input.deviceId, ['operator.read'], t0, 'cli', OPEN_SINCE);

    expect(await devices.findAuthState(input.deviceId)).toMatchObject({ paired: { scopes: ['operator.read'] }, tokenHash: null });
    expect(await devices.issueTokenHash(input.deviceId, hash('first'))).toBe(true);
    expect(await devices.issueTokenHash(input.deviceId, hash('second'))).toBe(false);
    expect((await devices.findAuthState(input.deviceId)).tokenHash).toBe(hash('first'));
    expect(await devices.findAuthState(newRequest().deviceId)).toEqual({ paired: null, tokenHash: null });
  });

  it('revokes a paired device: roles, scopes, token and open request are gone, and it may ask again', async () => {
    const input = newRequest();
    await requestPairing(input);
    await devices.approve(input.deviceId, ['operator.read'], t0, 'cli', OPEN_SINCE);
    await devices.issueTokenHash(input.deviceId, hash('token'));
    await requestPairing({ ...input, role: 'node', at: at(1_000) });

    expect((await devices.revoke(input.deviceId, at(2_000), 'cli'))?.roles).toEqual(['operator']);
    expect(await devices.findAuthState(input.deviceId)).toEqual({ paired: null, tokenHash: null });
    expect(await devices.findPendingRequest(input.deviceId, OPEN_SINCE)).toBeNull();
    expect(await devices.revoke(input.deviceId, at(3_000), 'cli')).toBeNull();

    expect((await requestPairing({ ...input, at: at(4_000) })).created).toBe(true);
    await devices.approve(input.deviceId, ['operator.read'], at(5_000), 'cli', OPEN_SINCE);
    expect(await devices.issueTokenHash(input.deviceId, hash('new token'))).toBe(true);
  });
  // Later than every request above, so that those have expired by then.
  const later = (hours: number, ms = 0) => at(hours * HOUR + ms);

  it('lets a request expire: it is no longer listed or decided, and a device never paired leaves no row', async () => {
    const input = newRequest({ at: later(10) });
    await requestPairing(input, { openSince: later(9) });
    expect((await devices.listPendingRequests(later(9))).map((r) => r.deviceId)).toContain(input.deviceId);

    // An hour on, the window starts at the request's time: it has expired.
    expect(await devices.findPendingRequest(input.deviceId, later(10))).toBeNull();
    expect((await devices.listPendingRequests(later(10))).map((r) => r.deviceId)).not.toContain(input.deviceId);
    expect(await devices.approve(input.deviceId, ['operator.read'], later(11), 'cli', later(10))).toBeNull();
    expect(await devices.reject(input.deviceId, later(11), 'cli', later(10))).toBeNull();

    // The next request deletes it; the device may ask again.
    await requestPairing(newRequest({ at: later(11) }), { openSince: later(10) });
    expect((await devices.listPendingRequests(later(9))).map((r) => r.deviceId)).not.toContain(input.deviceId);
    expect((await requestPairing({ ...input, at: later(11, 1) }, { openSince: later(10) })).created).toBe(true);
  });

  it('opens no request while as many are open from its address, or in all, and names the oldest in the way', async () => {
    const window = { openSince: later(20), caps: { perIp: 2, total: 3 } };
    const fromA = (ms: number) => newRequest({ remoteIp: '198.51.100.1', at: later(21, ms) });
    const first = fromA(0);
    await requestPairing(first, window);
    await requestPairing(fromA(1), window);
    expect(await devices.requestPairing(fromA(2), window)).toEqual({ refused: 'per_ip', oldestRequestedAt: later(21) });
    // The device whose request is open is answered with it, whatever the bounds.
    expect((await requestPairing({ ...first, at: later(21, 3) }, window)).created).toBe(false);

    await requestPairing(newRequest({ remoteIp: '198.51.100.2', at: later(21, 4) }), window);
    expect(await devices.requestPairing(newRequest({ remoteIp: '198.51.100.3', at: later(21, 5) }), window)).toEqual({
      refused: 'total',
      oldestRequestedAt: later(21),
    });
    // Without caps (a device paired at once), it opens anyway.
    expect((await requestPairing(newRequest({ remoteIp: '198.51.100.3', at: later(21, 6) }), { openSince: later(20) })).created).toBe(true);
    // Refused requests left nothing behind.
    expect(await devices.listPendingRequests(later(20))).toHaveLength(4);
  });

  it('keeps the bounds when many new devices from one address ask at once', async () => {
    const window = { openSince: later(30), caps: { perIp: 3, total: 20 } };
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) => devices.requestPairing(newRequest({ remoteIp: '198.51.100.9', at: later(31, i) }), window)),
    );
    expect(outcomes.filter((outcome) => 'created' in outcome)).toHaveLength(3);
    expect(await devices.listPendingRequests(later(30))).toHaveLength(3);
  });
});
