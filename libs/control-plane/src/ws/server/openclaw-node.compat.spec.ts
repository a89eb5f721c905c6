import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { OpenClawClient } from 'openclaw-node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { TestControlPlane, startTestControlPlane } from '../../testing/ws/control-plane.harness';
import { TEST_GATEWAY_TOKEN } from '../../testing/ws/fake-gateway.ports';

// openclaw-node 0.14 falls back to `ws` on Node 20 but still reads the global `WebSocket.OPEN`
// before every send; Node 20 has no global WebSocket, so lend it ws's class for these tests.
const globals = globalThis as { WebSocket?: unknown };
const hadGlobalWebSocket = globals.WebSocket !== undefined;

describe('openclaw-node against the control plane', () => {
  let plane: TestControlPlane;
  let dir: string;
  const clients: OpenClawClient[] = [];

  const client = (options: { token?: string } = {}) => {
    const created = new OpenClawClient({ url: plane.url, autoReconnect: false, deviceIdentityPath: join(dir, 'device.json'), ...options });
    created.on('error', () => undefined);
    clients.push(created);
    return created;
  };

  beforeAll(() => {
    Logger.overrideLogger(false);
    if (!hadGlobalWebSocket) globals.WebSocket = WebSocket;
  });
  afterAll(() => {
    if (!hadGlobalWebSocket) delete globals.WebSocket;
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'openclaw-node-'));
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((created) => created.disconnect()));
    await plane.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('connects with the gateway token and a signed device identity, then calls health', async () => {
    plane = await startTestControlPlane();
    const first = client({ token: TEST_GATEWAY_TOKEN });
    const hello = await first.connect();
    expect(hello).toMatchObject({ type: 'hello-ok', protocol: 4, auth: { role: 'operator', scopes: ['operator.read', 'operator.write'] } });
    expect(first.hasMethod('health')).toBe(true);
    expect(await first.health()).toEqual(plane.snapshot.healthSummary);

    // The client signed in as a device; loopback paired it and it kept the device token.
    const identity = JSON.parse(readFileSync(join(dir, 'device.json'), 'utf8')) as { deviceId: string; deviceToken?: string };
    expect(identity.deviceToken).toBe(hello.auth?.deviceToken);
    expect(plane.server.listConnections()).toEqual([expect.objectContaining({ authMethod: 'token', deviceId: identity.deviceId })]);
  });

  it('reconnects with the stored device token alone', async () => {
    plane = await startTestControlPlane();
    await client({ token: TEST_GATEWAY_TOKEN }).connect();
    const identity = JSON.parse(readFileSync(join(dir, 'device.json'), 'utf8')) as { deviceId: string };

    const again = client();
    const hello = await again.connect();
    expect(hello.auth).toEqual({ role: 'operator', scopes: ['operator.read', 'operator.write'] });
    expect(plane.server.listConnections()).toContainEqual(expect.objectContaining({ authMethod: 'device-token', deviceId: identity.deviceId }));
    expect((await again.health()).ok).toBe(true);
  });

  it('fails to connect with a wrong token and sees AUTH_TOKEN_MISMATCH', async () => {
    plane = await startTestControlPlane();
    const wrong = client({ token: 'not-the-token' });
    const errors: unknown[] = [];
    wrong.on('protocol:response', (response: { error?: unknown }) => errors.push(response.error));
    await expect(wrong.connect()).rejects.toThrow('WebSocket closed before handshake completed');
    expect(errors).toEqual([expect.objectContaining({ code: 'INVALID_REQUEST', details: { code: 'AUTH_TOKEN_MISMATCH' } })]);
  });

  it('tells the client the pairing request id when a remote device must be approved', async () => {
    plane = await startTestControlPlane({ autoPairLoopback: false });
    const device = client({ token: TEST_GATEWAY_TOKEN });
    const pairing = new Promise<{ requestId?: string }>((resolve) => device.once('pairingRequired', resolve));
    await expect(device.connect()).rejects.toThrow();
    const [request] = await plane.devices.listPairingRequests();
    expect((await pairing).requestId).toBe(request.requestId);
  });
});
