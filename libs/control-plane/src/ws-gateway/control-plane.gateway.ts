import { IncomingMessage, Server as HttpServer } from 'node:http';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectConfig, SwitchboardConfig } from '@switchboard/config';
import { IpRules } from '@switchboard/security';
import { METHOD_GROUPS, MethodGroup } from '../gateway-methods/method-group';
import { DEVICE_REVOKED, REPLICA_BUS, type ReplicaBus } from '../ws/ports/replica-bus.port';
import { ControlPlaneServer, ShutdownNotice } from '../ws/server/control-plane.server';
import { CONTROL_PLANE_MODULE_OPTIONS, ControlPlaneModuleOptions } from './control-plane.module-definition';
import { ConfigGatewayCredentials } from './ports/config-gateway-credentials';
import { DatabaseDeviceStore } from './ports/database-device-store';
import { GatewaySnapshotService } from './ports/gateway-snapshot.service';
import { PrometheusControlPlaneMetrics } from './ports/prometheus-control-plane-metrics';

/**
 * The WebSocket control plane of this gateway: the protocol server on the gateway's ports, with
 * every method group registered. The process attaches it to its HTTP server once the routes are
 * ready and closes it before the application, so clients get `shutdown` and 1012.
 */
@Injectable()
export class ControlPlaneGateway {
  private readonly logger = new Logger('ControlPlane');
  private readonly server: ControlPlaneServer;

  constructor(
    credentials: ConfigGatewayCredentials,
    devices: DatabaseDeviceStore,
    snapshot: GatewaySnapshotService,
    metrics: PrometheusControlPlaneMetrics,
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

  /** Starts answering WebSocket upgrades on the gateway's HTTP server. */
  attach(httpServer: HttpServer): void {
    this.server.attach(httpServer);
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

  private checkIp(request: IncomingMessage) {
    return this.ipRules.check('control', request.socket.remoteAddress, request.headers['x-forwarded-for']);
  }

  // CONTROL_IP_ALLOW / CONTROL_IP_DENY: a refused address gets HTTP 403 before any WebSocket frame.
  private admit(request: IncomingMessage): boolean {
    const result = this.checkIp(request);
    if (!result.allowed) this.logger.warn(`refused ${result.clientIp || 'unknown address'} on control: ${result.reason}`);
    return result.allowed;
  }
}
