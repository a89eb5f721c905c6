import { Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '@switchboard/config';
import { SwitchboardMetrics } from '@switchboard/observability';
import { IpRules } from '@switchboard/security';
import { FakeGatewaySnapshot } from '../testing/ws/fake-gateway.ports';
import { InMemoryDeviceStore } from '../testing/ws/in-memory-device.store';
import { connectParams, createTestDevice } from '../testing/ws/test-device';
import { TestSocket } from '../testing/ws/test-socket';
import { ControlPlaneGateway } from './control-plane.gateway';
import { ConfigGatewayCredentials } from './ports/config-gateway-credentials';
import { DatabaseDeviceStore } from './ports/database-device-store';
import { GatewaySnapshotService } from './ports/gateway-snapshot.service';
import { PrometheusControlPlaneMetrics } from './ports/prometheus-control-plane-metrics';

describe('ControlPlaneGateway', () => {
  let http: Server;
  let gateway: ControlPlaneGateway;
  let url: string;

  beforeAll(() => Logger.overrideLogger(false));
  afterEach(async () => {
    await gateway.close({ reason: 'test over' });
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  });

  async function start(settings: Record<string, unknown>) {
    const config = configSchema.parse(settings);
    const snapshot = Object.assign(new FakeGatewaySnapshot(), { bindConnections: () => undefined });
    gateway = new ControlPlaneGateway(
      new ConfigGatewayCredentials(config),
      new InMemoryDeviceStore() as unknown as DatabaseDeviceStore,
      snapshot as unknown as GatewaySnapshotService,
      new PrometheusControlPlaneMetrics(new SwitchboardMetrics()),
      new IpRules(config),
      [],
      config,
      { serverVersion: '1.2.3' },
      null,
    );
    http = createServer((_request, response) => response.writeHead(404).end());
    gateway.attach(http);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/`;
  }

  async function connect(options: Parameters<typeof connectParams>[0] = {}) {
    const socket = await TestSocket.open(url);
    const nonce = await socket.challengeNonce();
    return socket.request('connect', connectParams({ ...options, signing: { nonce } }));
  }

  it('refuses an upgrade from an address CONTROL_IP_DENY lists with HTTP 403', async () => {
    await start({ security: { controlIpDeny: ['127.0.0.1'] } });
    await expect(TestSocket.open(url)).rejects.toThrow('HTTP 403');
  });

  it('applies the rules to the client a trusted proxy forwards for', async () => {
    await start({ security: { trustedProxies: ['127.0.0.1'], controlIpAllow: ['198.51.100.0/24'] } });
    await expect(TestSocket.open(url, { headers: { 'x-forwarded-for': '203.0.113.9' } })).rejects.toThrow('HTTP 403');
    const allowed = await TestSocket.open(url, { headers: { 'x-forwarded-for': '198.51.100.7' } });
    expect(await allowed.challengeNonce()).toEqual(expect.any(String));
  });

  it('lets a device without a secret ask for pairing when no token or password is set', async () => {
    await start({});
    expect((await connect({ device: createTestDevice() })).error).toMatchObject({ code: 'NOT_PAIRED', details: { code: 'PAIRING_REQUIRED' } });
    expect((await connect()).error?.details?.code).toBe('AUTH_TOKEN_MISSING');
  });

  it('requires the token once one is configured', async () => {
    await start({ controlPlane: { token: 'a-long-enough-gateway-token' } });
    expect((await connect({ device: createTestDevice() })).error?.details?.code).toBe('AUTH_TOKEN_MISSING');
    expect((await connect({ token: 'a-long-enough-gateway-token' })).payload).toMatchObject({ type: 'hello-ok', server: { version: '1.2.3' } });
  });
});
