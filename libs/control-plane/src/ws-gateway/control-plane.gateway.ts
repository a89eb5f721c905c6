import { IncomingMessage } from 'node:http';
import { Inject, Logger, Optional } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import { InjectConfig, SwitchboardConfig } from '@switchboard/config';
import { IpRules } from '@switchboard/security';
import { METHOD_GROUPS, MethodGroup } from '../gateway-methods/method-group';
import { CONTROL_PLANE_METRICS, type ControlPlaneMetrics } from '../ws/ports/control-plane-metrics.port';
import { DEVICE_STORE, type DeviceStore } from '../ws/ports/device-store.port';
import { GATEWAY_CREDENTIALS, type GatewayCredentials } from '../ws/ports/gateway-credentials.port';
import { GATEWAY_SNAPSHOT, type GatewaySnapshot } from '../ws/ports/gateway-snapshot.port';
import { DEVICE_REVOKED, REPLICA_BUS, type ReplicaBus } from '../ws/ports/replica-bus.port';
import { CONTROL_PLANE_PATH } from '../ws/server/control-plane.options';
import { ControlPlaneServer, ShutdownNotice } from '../ws/server/control-plane.server';
import { UpgradeAdmission } from '../ws/server/control-plane.ws-adapter';
import { CONTROL_PLANE_MODULE_OPTIONS, ControlPlaneModuleOptions } from './control-plane.module-definition';

/**
 * The WebSocket control plane of this gateway, a Nest WebSocket gateway on the gateway's HTTP port
 * (served by ControlPlaneWsAdapter, which the process installs with `admission`): the protocol
 * server with every method group registered. The process closes it before the application, so
 * clients get `shutdown` and 1012.
 */
@WebSocketGateway({ path: CONTROL_PLANE_PATH })
export class ControlPlaneGateway implements OnGatewayInit, OnGatewayConnection {
  private readonly logger = new Logger('ControlPlane');
  private readonly server: ControlPlaneServer;

  constructor(
    @Inject(GATEWAY_CREDENTIALS) credentials: GatewayCredentials,
    @Inject(DEVICE_STORE) devices: DeviceStore,
    @Inject(GATEWAY_SNAPSHOT) snapshot: GatewaySnapshot,
    @Inject(CONTROL_PLANE_METRICS) metrics: ControlPlaneMetrics,
    private readonly ipRules: IpRules,
    @Inject(METHOD_GROUPS) groups: MethodGroup[],
    @InjectConfig() config: SwitchboardConfig,
    @Inject(CONTROL_PLANE_MODULE_OPTIONS) options: ControlPlaneModuleOptions,
    @Optional() @Inject(REPLICA_BUS) replicas: ReplicaBus | null,
  ) {
    this.server = new ControlPlaneServer(
      { credentials, devices, snapshot, metrics, replicas: replicas ?? undefined },
      {
        serverVersion: options.serverVersion,
        maxPayloadBytes: config.controlPlane.maxPayloadBytes,
        tickIntervalMs: config.controlPlane.tickMs,
        maxUnauthenticatedPerIp: config.controlPlane.maxUnauthenticatedPerIp,
        deviceSignatureAuth: !credentials.configured,
        // Behind a trusted proxy, limits and backoff apply to the client it forwards for.
        clientIp: (request) => this.checkIp(request).clientIp || 'unknown',
        admitUpgrade: (request) => this.admit(request),
      },
    );
    snapshot.bindConnections(() => this.server.listConnections());
    // A device revoked through another replica loses its connections and cached pairing here too.
    this.server.handleReplicaEvent(DEVICE_REVOKED, (payload) => {
      const deviceId = (payload as { deviceId?: unknown } | null)?.deviceId;
      if (typeof deviceId !== 'string') throw new Error('no deviceId');
      devices.forget(deviceId);
      this.server.disconnectDevice(deviceId, 'device revoked');
    });
    for (const group of groups) group.register(this.server);
  }

  /** What ControlPlaneWsAdapter asks before each upgrade (IP rules, limits, frame size). */
  get admission(): UpgradeAdmission {
    return this.server;
  }

  afterInit(): void {
    this.server.start();
  }

  handleConnection(ws: WebSocket, request: IncomingMessage): void {
    this.server.accept(ws, request);
  }

  /** Tells every client (`shutdown`), closes them with 1012 and stops taking upgrades. */
  close(notice: ShutdownNotice): Promise<void> {
    return this.server.close(notice);
  }

  /** Sends an event to the connections allowed to see it, on every replica (see ControlPlaneServer.publish). */
  publish(event: string, payload: unknown): number {
    return this.server.publish(event, payload);
  }

  /** After a revocation: closes the device's connections on every replica; returns how many were here. */
  disconnectRevokedDevice(deviceId: string): number {
    this.server.tellReplicas(DEVICE_REVOKED, { deviceId });
    return this.server.disconnectDevice(deviceId, 'device revoked');
  }

  // The rules of the upgrade path's surface (ROUTE_SURFACES: "/" is the control surface).
  private checkIp(request: IncomingMessage) {
    return this.ipRules.checkRoute(request.url ?? '/', request.socket.remoteAddress, request.headers['x-forwarded-for']);
  }

  // CONTROL_IP_ALLOW / CONTROL_IP_DENY: a refused address gets HTTP 403 before any WebSocket frame.
  private admit(request: IncomingMessage): boolean {
    const result = this.checkIp(request);
    if (!result.allowed) this.logger.warn(`refused ${result.clientIp || 'unknown address'} on ${result.surface}: ${result.reason}`);
    return result.allowed;
  }
}
