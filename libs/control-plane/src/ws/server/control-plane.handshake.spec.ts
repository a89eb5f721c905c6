import { Logger } from '@nestjs/common';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { HelloOkSchema } from '../protocol/connect.schema';
import { compileSchema } from '../protocol/schema-validator';
import { TestControlPlane, startTestControlPlane } from '../../testing/ws/control-plane.harness';
import { TEST_GATEWAY_TOKEN } from '../../testing/ws/fake-gateway.ports';
import { connectParams, createTestDevice } from '../../testing/ws/test-device';
import { CloseInfo, Frame, TestSocket } from '../../testing/ws/test-socket';

async function expectRejected(answer: Frame, socket: TestSocket, expected: { code: string; detail: string; close: number }): Promise<CloseInfo> {
  expect(answer).toMatchObject({ type: 'res', ok: false, error: { code: expected.code, details: { code: expected.detail } } });
  const closed = await socket.closed;
  expect(closed.code).toBe(expected.close);
  return closed;
}

describe('control-plane handshake over a real socket', () => {
  let plane: TestControlPlane;

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(async () => {
    plane = await startTestControlPlane();
  });
  afterEach(() => plane.stop());

  it('sends connect.challenge with a nonce and the server time as soon as the socket opens', async () => {
    const before = Date.now();
    const socket = await TestSocket.open(plane.url);
    const challenge = await socket.nextEvent('connect.challenge');
    expect(challenge.payload).toEqual({ nonce: expect.stringMatching(/^[\w-]{20,}$/), ts: expect.any(Number) });
    // Sent while the test waited: the server's clock, not a stale or made-up time.
    expect(challenge.payload.ts).toBeGreaterThanOrEqual(before);
    expect(challenge.payload.ts).toBeLessThanOrEqual(Date.now());
    socket.close();
  });

  it('answers a good connect with hello-ok as the protocol describes it', async () => {
    const { answer } = await plane.connect({ token: TEST_GATEWAY_TOKEN, scopes: ['operator.read', 'operator.pairing'] });
    expect(answer.ok).toBe(true);
    expect(compileSchema(HelloOkSchema)(answer.payload)).toMatchObject({ ok: true });
    expect(answer.payload).toMatchObject({
      type: 'hello-ok',
      protocol: 4,
      server: { version: '0.1.0-test', connId: expect.any(String) },
      snapshot: { presence: plane.snapshot.view.presence, health: plane.snapshot.healthSummary, stateVersion: { presence: 1, health: 1 }, uptimeMs: 42_000 },
      auth: { role: 'operator', scopes: ['operator.read', 'operator.pairing'] },
      policy: { maxPayload: 1024 * 1024, maxBufferedBytes: 4 * 1024 * 1024, tickIntervalMs: 15_000 },
    });
    expect(answer.payload.features.methods).toEqual(expect.arrayContaining(['health', 'status', 'system-presence', 'device.pair.list', 'device.pair.approve', 'device.pair.reject']));
    expect(answer.payload.features.events).toEqual(expect.arrayContaining(['tick', 'shutdown', 'chat', 'agent', 'device.pair.requested']));
    expect(plane.metrics.handshakes).toEqual(['ok']);
  });

  it('answers a non-JSON first frame with an error frame, then closes 1008', async () => {
    const socket = await TestSocket.open(plane.url);
    socket.sendRaw('hello?');
    const answer = await socket.next((frame) => frame.type === 'res');
    await expectRejected(answer, socket, { code: 'INVALID_REQUEST', detail: 'INVALID_FRAME', close: 1008 });
    expect(answer.id).toBe('');
  });

  it('refuses a request before connect with the request id, then closes 1008', async () => {
    const socket = await TestSocket.open(plane.url);
    const answer = await socket.request('health', {}, 'early-1');
    expect(answer.id).toBe('early-1');
    await expectRejected(answer, socket, { code: 'INVALID_REQUEST', detail: 'CONNECT_REQUIRED', close: 1008 });
  });

  it('refuses a wrong gateway token with AUTH_TOKEN_MISMATCH and closes 1008', async () => {
    const { socket, answer } = await plane.connect({ token: 'wrong' });
    const closed = await expectRejected(answer, socket, { code: 'INVALID_REQUEST', detail: 'AUTH_TOKEN_MISMATCH', close: 1008 });
    expect(closed.reason).toBe('unauthorized: gateway token mismatch');
  });

  it('refuses a connect without credentials with AUTH_TOKEN_MISSING and closes 1008', async () => {
    const { socket, answer } = await plane.connect({});
    await expectRejected(answer, socket, { code: 'INVALID_REQUEST', detail: 'AUTH_TOKEN_MISSING', close: 1008 });
  });

  it('refuses a device signature that does not cover the sent fields and closes 1008', async () => {
    const socket = await TestSocket.open(plane.url);
    const nonce = await socket.challengeNonce();
    const params = connectParams({ token: TEST_GATEWAY_TOKEN, device: createTestDevice(), signing: { nonce }, scopes: ['operator.read'] });
    // Signed for read only, then the client claims admin as well.
    const answer = await socket.request('connect', { ...params, scopes: ['operator.read', 'operator.admin'] });
    await expectRejected(answer, socket, { code: 'INVALID_REQUEST', detail: 'DEVICE_AUTH_SIGNATURE_INVALID', close: 1008 });
  });

  it('refuses a signature made three minutes ago and closes 1008', async () => {
    const { socket, answer } = await plane.connect({ token: TEST_GATEWAY_TOKEN, device: createTestDevice(), signing: { signedAt: Date.now() - 3 * 60_000 } });
    await expectRejected(answer, socket, { code: 'INVALID_REQUEST', detail: 'DEVICE_AUTH_SIGNATURE_EXPIRED', close: 1008 });
  });

  it('refuses a device that signed another nonce than the challenge and closes 1008', async () => {
    const { socket, answer } = await plane.connect({ token: TEST_GATEWAY_TOKEN, device: createTestDevice(), signing: { nonce: 'a-nonce-from-another-connection' } });
    await expectRejected(answer, socket, { code: 'INVALID_REQUEST', detail: 'DEVICE_AUTH_NONCE_MISMATCH', close: 1008 });
  });

  it('refuses clients that only speak protocol 5+ or 2- with PROTOCOL_MISMATCH and closes 1002', async () => {
    for (const range of [{ minProtocol: 5, maxProtocol: 6 }, { minProtocol: 1, maxProtocol: 2 }]) {
      const { socket, answer } = await plane.connect({ token: TEST_GATEWAY_TOKEN, ...range });
      await expectRejected(answer, socket, { code: 'INVALID_REQUEST', detail: 'PROTOCOL_MISMATCH', close: 1002 });
    }
  });

  it('answers a pre-auth frame over 64 KiB with an error, then closes 1009', async () => {
    const socket = await TestSocket.open(plane.url);
    await socket.challengeNonce();
    socket.send({ type: 'req', id: 'big', method: 'connect', params: { padding: 'x'.repeat(64 * 1024) } });
    const answer = await socket.next((frame) => frame.type === 'res');
    await expectRejected(answer, socket, { code: 'INVALID_REQUEST', detail: 'PAYLOAD_TOO_LARGE', close: 1009 });
    expect(plane.metrics.handshakes).toEqual(['frame-too-large']);
  });

  it('refuses connect params with an unknown field and closes 1008', async () => {
    const socket = await TestSocket.open(plane.url);
    await socket.challengeNonce();
    const answer = await socket.request('connect', { ...connectParams({ token: TEST_GATEWAY_TOKEN }), sudo: true });
    await expectRejected(answer, socket, { code: 'INVALID_REQUEST', detail: 'INVALID_PARAMS', close: 1008 });
    expect(answer.error?.message).toContain('"sudo"');
  });

  it('slows down repeated bad tokens from one address and counts them', async () => {
    await plane.stop();
    plane = await startTestControlPlane({ authBackoff: { freeFailures: 1, baseDelayMs: 400, maxDelayMs: 400, forgetAfterMs: 60_000, maxSources: 100 } });
    await plane.connect({ token: 'guess-1' });
    const started = Date.now();
    const { answer } = await plane.connect({ token: 'guess-2' });
    expect(answer.error?.details?.code).toBe('AUTH_TOKEN_MISMATCH');
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    expect(plane.metrics.handshakes).toEqual(['AUTH_TOKEN_MISMATCH', 'AUTH_TOKEN_MISMATCH']);
  });
});

describe('device pairing over a real socket', () => {
  let plane: TestControlPlane;

  beforeAll(() => Logger.overrideLogger(false));
  afterEach(() => plane.stop());

  it('auto-pairs a loopback device and lets it reconnect with its device token only', async () => {
    plane = await startTestControlPlane();
    const device = createTestDevice();
    const first = await plane.connect({ token: TEST_GATEWAY_TOKEN, device, scopes: ['operator.read'] });
    const deviceToken = first.answer.payload.auth.deviceToken as string;
    expect(deviceToken).toMatch(/^[\w-]{43}$/);
    expect([...plane.devices.tokenHashes.values()]).not.toContain(deviceToken);

    const again = await plane.connect({ deviceToken, device, scopes: ['operator.read', 'operator.write'] });
    expect(again.answer.payload.auth).toEqual({ role: 'operator', scopes: ['operator.read'] });
  });

  it('logs an auto-paired loopback device as paired, and a remote device as asking to be approved', async () => {
    const log = vi.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    plane = await startTestControlPlane();
    const local = createTestDevice();
    await plane.connect({ token: TEST_GATEWAY_TOKEN, device: local });
    expect(log).toHaveBeenCalledWith(`device ${local.id} (switchboard-test) paired automatically as operator: it connected over loopback with the gateway's secret`);
    expect(log.mock.calls.flat().join('\n')).not.toContain('asks to pair');

    await plane.stop();
    plane = await startTestControlPlane({ autoPairLoopback: false });
    const remote = createTestDevice();
    const { answer } = await plane.connect({ token: TEST_GATEWAY_TOKEN, device: remote });
    const requestId = answer.error?.details?.requestId as string;
    expect(log).toHaveBeenCalledWith(`device ${remote.id} (switchboard-test) from 127.0.0.1 asks to pair as operator: switchboard devices approve ${requestId}`);
    log.mockRestore();
  });

  it('closes the connections of a device when it is revoked, and only those', async () => {
    plane = await startTestControlPlane();
    const device = createTestDevice();
    const { socket } = await plane.connect({ token: TEST_GATEWAY_TOKEN, device });
    const other = await plane.operator();

    expect(plane.server.disconnectDevice(device.id, 'device revoked')).toBe(1);
    expect(await socket.closed).toMatchObject({ code: 1008, reason: 'device revoked' });
    expect((await other.request('health')).ok).toBe(true);
  });

  it('makes a remote device wait for an operator, who approves it; the device then gets its token', async () => {
    plane = await startTestControlPlane({ autoPairLoopback: false });
    const approver = await plane.operator({ scopes: ['operator.read', 'operator.pairing'] });
    const reader = await plane.operator({ scopes: ['operator.read'] });
    const device = createTestDevice();

    const { socket, answer } = await plane.connect({ token: TEST_GATEWAY_TOKEN, device });
    const closed = await expectRejected(answer, socket, { code: 'NOT_PAIRED', detail: 'PAIRING_REQUIRED', close: 1008 });
    const requestId = answer.error?.details?.requestId as string;
    expect(closed.reason).toBe(`pairing required (requestId: ${requestId})`);

    const requested = await approver.nextEvent('device.pair.requested');
    expect(requested.payload).toMatchObject({ requestId, deviceId: device.id, role: 'operator', remoteIp: '127.0.0.1' });
    const listed = await approver.request('device.pair.list');
    expect(listed.payload.pending).toEqual([expect.objectContaining({ requestId })]);

    const approved = await approver.request('device.pair.approve', { requestId });
    // The device asked for read and write; an approver holding only read (and pairing) cannot grant write.
    expect(approved.payload.device).toMatchObject({ deviceId: device.id, scopes: ['operator.read'] });
    expect((await approver.nextEvent('device.pair.resolved')).payload).toMatchObject({ requestId, decision: 'approved' });

    const paired = await plane.connect({ token: TEST_GATEWAY_TOKEN, device });
    expect(paired.answer.payload.auth.deviceToken).toEqual(expect.any(String));
    // Pairing events are for operator.pairing holders only (the round trip flushes anything sent before).
    await reader.request('health');
    expect(reader.frames.filter((frame) => frame.event?.startsWith('device.pair.'))).toEqual([]);
  });

  it('lets an operator reject a pairing request', async () => {
    plane = await startTestControlPlane({ autoPairLoopback: false });
    const approver = await plane.operator({ scopes: ['operator.pairing'] });
    const { answer } = await plane.connect({ token: TEST_GATEWAY_TOKEN, device: createTestDevice() });
    const requestId = answer.error?.details?.requestId as string;
    expect((await approver.request('device.pair.reject', { requestId })).ok).toBe(true);
    const again = await approver.request('device.pair.reject', { requestId });
    expect(again.error).toMatchObject({ code: 'INVALID_REQUEST', details: { code: 'NOT_FOUND' } });
  });
});
