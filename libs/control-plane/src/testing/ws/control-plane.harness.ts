import { IncomingMessage, Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import type { WebSocket } from 'ws';
import { ControlPlaneServer } from '../../ws/server/control-plane.server';
import { CONTROL_PLANE_PATH, ControlPlaneDeps, ControlPlaneOptions } from '../../ws/server/control-plane.options';
import { ControlPlaneWsAdapter } from '../../ws/server/control-plane.ws-adapter';
import { FakeGatewaySnapshot, RecordingMetrics, StaticGatewayCredentials, TEST_GATEWAY_TOKEN } from './fake-gateway.ports';
import { InMemoryDeviceStore } from './in-memory-device.store';
import { ConnectOptions, DeviceSigning, connectParams } from './test-device';
import { Frame, TestSocket } from './test-socket';

/** Connect options where the signing defaults to the real challenge nonce and the current time. */
export type HarnessConnectOptions = Omit<ConnectOptions, 'signing'> & { signing?: Partial<DeviceSigning> };

export interface TestControlPlane {
  url: string;
  http: Server;
  server: ControlPlaneServer;
  devices: InMemoryDeviceStore;
  snapshot: FakeGatewaySnapshot;
  metrics: RecordingMetrics;
  /** Opens a socket, answers the challenge with a connect and returns the socket with its answer. */
  connect(options?: HarnessConnectOptions): Promise<{ socket: TestSocket; answer: Frame }>;
  /** Like `connect` with the gateway token, and fails unless the answer is hello-ok. */
  operator(options?: HarnessConnectOptions): Promise<TestSocket>;
  stop(): Promise<void>;
}

/**
 * A real http.Server on 127.0.0.1 serving the control plane through the same Nest `ws` adapter as
 * the gateway (without the rest of a Nest application), with in-memory ports.
 */
export async function startTestControlPlane(options: Partial<ControlPlaneOptions> = {}, deps: Partial<ControlPlaneDeps> = {}): Promise<TestControlPlane> {
  const http = createServer((_request, response) => response.writeHead(404).end());
  const devices = new InMemoryDeviceStore();
  const snapshot = new FakeGatewaySnapshot();
  const metrics = new RecordingMetrics();
  const server = new ControlPlaneServer(
    { credentials: new StaticGatewayCredentials(), devices, snapshot, metrics, ...deps },
    { serverVersion: '0.1.0-test', ...options },
  );
  const adapter = new ControlPlaneWsAdapter(http, server);
  const wss = adapter.create(0, { path: CONTROL_PLANE_PATH });
  adapter.bindClientConnect(wss, (ws: WebSocket, request: IncomingMessage) => server.accept(ws, request));
  server.start();
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/`;
  const sockets: TestSocket[] = [];

  const connect = async (connectOptions: HarnessConnectOptions = {}) => {
    const socket = await TestSocket.open(url);
    sockets.push(socket);
    const nonce = await socket.challengeNonce();
    const params = connectParams({ ...connectOptions, signing: { nonce, ...connectOptions.signing } });
    const answer = await socket.request('connect', params);
    return { socket, answer };
  };
  const operator = async (connectOptions: HarnessConnectOptions = {}) => {
    const { socket, answer } = await connect({ token: TEST_GATEWAY_TOKEN, ...connectOptions });
    if (answer.payload?.type !== 'hello-ok') throw new Error(`connect failed: ${JSON.stringify(answer.error)}`);
    return socket;
  };
  const stop = async () => {
    for (const socket of sockets) socket.ws.terminate();
    await server.close({ reason: 'test over' });
    await adapter.close(wss);
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  };
  return { url, http, server, devices, snapshot, metrics, connect, operator, stop };
}
