import { randomBytes } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import { TSchema } from '@sinclair/typebox';
import { WebSocket } from 'ws';
import { AuthFailureBackoff } from '../auth/auth-failure.backoff';
import { ConnectHandshake, HandshakeAccepted } from '../auth/connect.handshake';
import { registerDevicePairMethods } from '../methods/device-pair.methods';
import { registerGatewayStatusMethods } from '../methods/gateway-status.methods';
import { Clock, systemClock } from '../ports/clock.port';
import { ControlPlaneMetrics, noopControlPlaneMetrics } from '../ports/control-plane-metrics.port';
import { CloseCodes } from '../protocol/close-codes';
import { HelloOk } from '../protocol/connect.schema';
import { StateVersion } from '../protocol/frame.schema';
import { OperatorScope, satisfiesScope } from '../protocol/scopes';
import { ControlPlaneConnection, ConnectionEnvironment } from './control-plane.connection';
import { ControlPlaneDeps, ControlPlaneOptions, DEFAULT_CONTROL_PLANE_OPTIONS, SUPPORTED_PROTOCOLS, isDirectLoopback } from './control-plane.options';
import { IdempotencyCache } from './idempotency.cache';
import { ConnectionInfo, MethodDefinition, MethodRegistry } from './method.registry';
import { RequestDispatcher } from './request.dispatcher';
import { UpgradeAdmission, UpgradeRefusal } from './control-plane.ws-adapter';

/** Events a client may receive (advertised in hello-ok). */
export const CONTROL_PLANE_EVENTS = [
  'connect.challenge',
  'tick',
  'presence',
  'health',
  'chat',
  'agent',
  'shutdown',
  'device.pair.requested',
  'device.pair.resolved',
] as const;

// Broadcast events that not every connection may see; others go to every authenticated connection.
const EVENT_SCOPES: Readonly<Record<string, OperatorScope>> = {
  chat: 'operator.read',
  agent: 'operator.read',
  'device.pair.requested': 'operator.pairing',
  'device.pair.resolved': 'operator.pairing',
};

const KNOWN_EVENTS: ReadonlySet<string> = new Set(CONTROL_PLANE_EVENTS);

const SHUTDOWN_GRACE_MS = 2_000;

export interface BroadcastOptions {
  /** Overrides the event's default scope; null sends to every authenticated connection. */
  scope?: OperatorScope | null;
  stateVersion?: StateVersion;
}

export interface ShutdownNotice {
  reason: string;
  restartExpectedMs?: number;
}

/**
 * The OpenClaw-compatible WebSocket control plane: it admits upgrades, runs the handshake of each
 * socket it is given, dispatches registered methods and fans events out. The sockets come from
 * Nest's WebSocket gateway on the gateway's HTTP port (see ControlPlaneWsAdapter).
 */
export class ControlPlaneServer implements UpgradeAdmission {
  private readonly options: ControlPlaneOptions;
  private readonly methods = new MethodRegistry();
  private readonly connections = new Map<string, ControlPlaneConnection>();
  private readonly unauthenticated = new Set<ControlPlaneConnection>();
  private readonly unauthenticatedByIp = new Map<string, number>();
  private readonly replicaHandlers = new Map<string, (payload: unknown) => void>();
  private readonly logger = new Logger('ControlPlane');
  private readonly environment: ConnectionEnvironment;
  private readonly metrics: ControlPlaneMetrics;
  private readonly clock: Clock;
  private started = false;
  private tickTimer: NodeJS.Timeout | null = null;
  private closing = false;

  constructor(
    private readonly deps: ControlPlaneDeps,
    options: Partial<ControlPlaneOptions> & Pick<ControlPlaneOptions, 'serverVersion'>,
  ) {
    this.options = { ...DEFAULT_CONTROL_PLANE_OPTIONS, ...options };
    this.metrics = deps.metrics ?? noopControlPlaneMetrics;
    this.clock = deps.clock ?? systemClock;
    const random = deps.random ?? randomBytes;
    const logger = this.logger;
    const cache = new IdempotencyCache({ ttlMs: this.options.idempotencyTtlMs, maxEntries: this.options.idempotencyMaxEntries }, this.clock);
    const handshake = new ConnectHandshake(
      {
        credentials: deps.credentials,
        devices: deps.devices,
        clock: this.clock,
        random,
        onPairingRequested: (request) => {
          // Without a console, the log is where an operator learns what to approve.
          logger.log(`device ${request.deviceId} (${request.clientId}) from ${request.remoteIp} asks to pair as ${request.role}: switchboard devices approve ${request.requestId}`);
          this.publish('device.pair.requested', request);
        },
        onAutoPaired: (device) => {
          logger.log(`device ${device.deviceId} (${device.clientId}) paired automatically as ${device.roles.join(', ')}: it connected over loopback with the gateway's secret`);
        },
      },
      {
        protocols: SUPPORTED_PROTOCOLS,
        signatureMaxSkewMs: this.options.signatureMaxSkewMs,
        autoPairLoopback: this.options.autoPairLoopback,
        deviceSignatureAuth: this.options.deviceSignatureAuth,
      },
    );
    this.environment = {
      options: this.options,
      handshake,
      backoff: new AuthFailureBackoff(this.options.authBackoff, this.clock),
      dispatcher: new RequestDispatcher(this.methods, cache, this.metrics, logger),
      metrics: this.metrics,
      clock: this.clock,
      random,
      logger,
      hello: (accepted, connId) => this.hello(accepted, connId),
      onAuthenticated: (connection) => this.onAuthenticated(connection),
      onClosed: (connection) => this.onClosed(connection),
    };
    const publish = (event: string, payload: unknown) => this.publish(event, payload);
    registerDevicePairMethods(this.methods, { devices: deps.devices, clock: this.clock, publish });
    registerGatewayStatusMethods(this.methods, deps.snapshot);
  }

  /** Adds a method; throws on a duplicate name (the built-ins are health, status, system-presence, device.pair.*). */
  registerMethod<S extends TSchema>(name: string, definition: MethodDefinition<S>): void {
    this.methods.register(name, definition);
  }

  get maxPayloadBytes(): number {
    return this.options.maxPayloadBytes;
  }

  /** Starts following the other replicas' events and sending ticks. */
  start(): void {
    if (this.started) throw new Error('the control plane is already started');
    this.started = true;
    this.deps.replicas?.subscribe((event, payloadJson) => this.onReplicaEvent(event, payloadJson));
    this.tickTimer = setInterval(() => this.broadcast('tick', { ts: this.clock.now() }), this.options.tickIntervalMs);
    this.tickTimer.unref();
  }

  /**
   * Sends an event to every authenticated connection allowed to see it, on this replica only
   * (`tick`, `shutdown`); returns how many got it.
   */
  broadcast(event: string, payload: unknown, options: BroadcastOptions = {}): number {
    return this.broadcastEncoded(event, JSON.stringify(payload), options);
  }

  /**
   * Like broadcast, and on the other replicas too (see ReplicaBus): for what happens in the
   * deployment (chat runs, pairing), which clients follow whichever replica they are connected to.
   */
  publish(event: string, payload: unknown): number {
    const payloadJson = JSON.stringify(payload);
    this.deps.replicas?.publish(event, payloadJson);
    return this.broadcastEncoded(event, payloadJson);
  }

  /** Runs `handler` when another replica sends the internal event `name` (see tellReplicas). */
  handleReplicaEvent(name: `replica.${string}`, handler: (payload: unknown) => void): void {
    if (this.replicaHandlers.has(name)) throw new Error(`a handler for ${name} is already registered`);
    this.replicaHandlers.set(name, handler);
  }

  /** Sends an internal event (one no client sees) to the other replicas: what they must do too. */
  tellReplicas(name: `replica.${string}`, payload: unknown): void {
    this.deps.replicas?.publish(name, JSON.stringify(payload));
  }

  private onReplicaEvent(event: string, payloadJson: string): void {
    const handler = this.replicaHandlers.get(event);
    try {
      if (handler) handler(JSON.parse(payloadJson));
      else if (KNOWN_EVENTS.has(event)) this.broadcastEncoded(event, payloadJson);
      else this.logger.warn(`ignored event ${event.slice(0, 64)} from another replica: nothing handles it`);
    } catch (error) {
      this.logger.warn(`event ${event} from another replica failed: ${error instanceof Error ? error.message : error}`);
    }
  }

  private broadcastEncoded(event: string, payloadJson: string, options: BroadcastOptions = {}): number {
    const scope = options.scope !== undefined ? options.scope : (EVENT_SCOPES[event] ?? null);
    let delivered = 0;
    for (const connection of this.connections.values()) {
      if (!connection.authenticated || (scope && !satisfiesScope(connection.info.scopes, scope))) continue;
      if (connection.sendEncodedEvent(event, payloadJson, options.stateVersion)) delivered += 1;
    }
    return delivered;
  }

  /** Sends an event to one connection; false when it is gone or did not take it. */
  sendEvent(connId: string, event: string, payload: unknown, stateVersion?: StateVersion): boolean {
    return this.connections.get(connId)?.sendEvent(event, payload, stateVersion) ?? false;
  }

  /** Closes (1008) the authenticated connections of a device, e.g. once it is revoked; returns how many. */
  disconnectDevice(deviceId: string, reason: string): number {
    let closed = 0;
    for (const connection of this.connections.values()) {
      if (!connection.authenticated || connection.info.deviceId !== deviceId) continue;
      connection.close(CloseCodes.POLICY_VIOLATION, reason);
      closed += 1;
    }
    return closed;
  }

  /** The authenticated connections (for presence, status and the admin console). */
  listConnections(): ConnectionInfo[] {
    return [...this.connections.values()].filter((connection) => connection.authenticated).map((connection) => connection.info);
  }

  /** Graceful stop: refuse new upgrades (503), `shutdown` event, then close 1012. */
  async close(notice: ShutdownNotice): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.tickTimer) clearInterval(this.tickTimer);
    const open = [...this.connections.values()];
    this.broadcast('shutdown', { reason: notice.reason, ...(notice.restartExpectedMs !== undefined ? { restartExpectedMs: notice.restartExpectedMs } : {}) }, { scope: null });
    for (const connection of open) connection.close(CloseCodes.SERVICE_RESTART, 'service restart');
    const grace = sleep(SHUTDOWN_GRACE_MS, undefined, { ref: false });
    await Promise.race([Promise.all(open.map((connection) => connection.closed)), grace]);
    for (const connection of this.connections.values()) connection.terminate();
  }

  admit(request: IncomingMessage): UpgradeRefusal | null {
    const refusal = this.refusalOf(request);
    if (refusal) this.metrics.upgradeRefused(refusal.reason);
    return refusal;
  }

  upgradeRefused(reason: string): void {
    this.metrics.upgradeRefused(reason);
  }

  /** Takes an upgraded socket that `admit` let in: the challenge goes out at once. */
  accept(ws: WebSocket, request: IncomingMessage): void {
    const ip = this.options.clientIp(request);
    const connection = new ControlPlaneConnection(ws, ip, isDirectLoopback(request), this.environment);
    this.connections.set(connection.connId, connection);
    this.unauthenticated.add(connection);
    this.unauthenticatedByIp.set(ip, (this.unauthenticatedByIp.get(ip) ?? 0) + 1);
  }

  private refusalOf(request: IncomingMessage): UpgradeRefusal | null {
    if (this.closing) return { status: 503, reason: 'shutting-down' };
    if (!this.options.admitUpgrade(request)) return { status: 403, reason: 'not-admitted' };
    const ip = this.options.clientIp(request);
    if ((this.unauthenticatedByIp.get(ip) ?? 0) >= this.options.maxUnauthenticatedPerIp) return { status: 503, reason: 'unauthenticated-per-ip' };
    if (this.unauthenticated.size >= this.options.maxUnauthenticatedTotal) return { status: 503, reason: 'unauthenticated-total' };
    return null;
  }

  private async hello(accepted: HandshakeAccepted, connId: string): Promise<HelloOk> {
    const snapshot = await this.deps.snapshot.current();
    return {
      type: 'hello-ok',
      protocol: accepted.protocol,
      server: { version: this.options.serverVersion, connId },
      features: { methods: this.methods.names(), events: [...CONTROL_PLANE_EVENTS] },
      snapshot: {
        presence: snapshot.presence,
        health: snapshot.health,
        stateVersion: snapshot.stateVersion,
        uptimeMs: snapshot.uptimeMs,
        ...(snapshot.sessionDefaults !== undefined ? { sessionDefaults: snapshot.sessionDefaults } : {}),
      },
      auth: { role: accepted.role, scopes: accepted.scopes, ...(accepted.deviceToken !== undefined ? { deviceToken: accepted.deviceToken } : {}) },
      policy: {
        maxPayload: this.options.maxPayloadBytes,
        maxBufferedBytes: this.options.maxBufferedBytes,
        tickIntervalMs: this.options.tickIntervalMs,
      },
    };
  }

  private onAuthenticated(connection: ControlPlaneConnection): void {
    this.releaseUnauthenticated(connection);
    this.metrics.connectionOpened(connection.info.role);
  }

  private onClosed(connection: ControlPlaneConnection): void {
    this.connections.delete(connection.connId);
    if (!this.releaseUnauthenticated(connection)) this.metrics.connectionClosed(connection.info.role);
  }

  private releaseUnauthenticated(connection: ControlPlaneConnection): boolean {
    if (!this.unauthenticated.delete(connection)) return false;
    const left = (this.unauthenticatedByIp.get(connection.remoteIp) ?? 1) - 1;
    if (left > 0) this.unauthenticatedByIp.set(connection.remoteIp, left);
    else this.unauthenticatedByIp.delete(connection.remoteIp);
    return true;
  }
}
