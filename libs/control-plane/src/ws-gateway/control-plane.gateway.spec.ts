import { IncomingMessage, Server, createServer } from 'node:http';
import net, { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import type { WebSocket } from 'ws';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '@switchboard/config';
import { SwitchboardMetrics } from '@switchboard/observability';
import { IpRules, RuntimeSettings } from '@switchboard/security';
import { FakeGatewaySnapshot } from '../testing/ws/fake-gateway.ports';
import { InMemoryDeviceStore } from '../testing/ws/in-memory-device.store';
import { connectParams, createTestDevice } from '../testing/ws/test-device';
import { TestSocket } from '../testing/ws/test-socket';
import { ControlPlaneWsAdapter } from '../ws/server/control-plane.ws-adapter';
import { ControlPlaneGateway } from './control-plane.gateway';
import { ConfigGatewayCredentials } from './ports/config-gateway-credentials';
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
    gateway = new ControlPlaneGateway(
      new ConfigGatewayCredentials(config, {}),
      new InMemoryDeviceStore(),
      new FakeGatewaySnapshot(),
      new PrometheusControlPlaneMetrics(new SwitchboardMetrics()),
      new IpRules(new RuntimeSettings(config)),
      [],
      config,
      { serverVersion: '1.2.3' },
      null,
    );
    http = createServer((_request, response) => response.writeHead(404).end());
    const adapter = new ControlPlaneWsAdapter(http, gateway.admission);
    adapter.bindClientConnect(adapter.create(0, { path: '/' }), (ws: WebSocket, request: IncomingMessage) => gateway.handleConnection(ws, request));
    gateway.afterInit();
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/`;
  }

  // The status line answering a WebSocket upgrade of `path`, sent as written.
  function rawUpgrade(path: string): Promise<string> {
    const { port } = http.address() as AddressInfo;
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.write(
          `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
            'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
        );
      });
      let answer = '';
      socket.on('data', (chunk) => {
        answer += chunk.toString('latin1');
        if (!answer.includes('\r\n')) return;
        socket.destroy();
        resolve(answer.slice(0, answer.indexOf('\r\n')));
      });
      socket.on('error', reject);
    });
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

  it('answers an upgrade on any other path, however written, with 404 and no way around CONTROL_IP_DENY', async () => {
    await start({ security: { controlIpDeny: ['127.0.0.1'] } });
    for (const path of ['//', '//x', '/./', '/chat']) expect(await rawUpgrade(path)).toBe('HTTP/1.1 404 Not Found');
    expect(await rawUpgrade('/?client=x')).toBe('HTTP/1.1 403 Forbidden');
  });

  it('applies the rules to the client a trusted proxy forwards for', async () => {
    await start({ security: { trustedProxies: ['127.0.0.1'], controlIpAllow: ['198.51.100.0/24'] } });
    await expect(TestSocket.open(url, { headers: { 'x-forwarded-for': '203.0.113.9' } })).rejects.toThrow('HTTP 403');
    const allowed = await TestSocket.open(url, { headers: { 'x-forwarded-for': '198.51.100.7' } });
    expect(await allowed.challengeNonce()).toEqual(expect.any(String));
  });

  it('refuses more unauthenticated sockets from one address than CONTROL_PLANE_MAX_UNAUTHENTICATED_PER_IP with HTTP 503', async () => {
    await start({ controlPlane: { maxUnauthenticatedPerIp: 2 } });
    const open = [await TestSocket.open(url), await TestSocket.open(url)];
    await expect(TestSocket.open(url)).rejects.toThrow('HTTP 503');
    for (const socket of open) socket.ws.terminate();
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
