import { IncomingMessage } from 'node:http';
import { AuthBackoffOptions, DEFAULT_AUTH_BACKOFF } from '../auth/auth-failure.backoff';
import { RandomBytes } from '../auth/device-token';
import { Clock } from '../ports/clock.port';
import { ControlPlaneMetrics } from '../ports/control-plane-metrics.port';
import { DeviceStore } from '../ports/device-store.port';
import { GatewayCredentials } from '../ports/gateway-credentials.port';
import { GatewaySnapshot } from '../ports/gateway-snapshot.port';
import type { ReplicaBus } from '../ports/replica-bus.port';

/** Tunables of the WebSocket control plane; every field has a default. */
export interface ControlPlaneOptions {
  /** Reported as `server.version` in hello-ok. */
  serverVersion: string;
  /** A socket that has not completed `connect` by then is closed (1008). */
  handshakeTimeoutMs: number;
  /** Largest frame accepted before authentication (larger → 1009). */
  maxPreAuthPayloadBytes: number;
  /** Largest frame accepted after authentication (advertised as policy.maxPayload). */
  maxPayloadBytes: number;
  /** A socket whose unsent data passes this is dropped as a slow consumer (1008). */
  maxBufferedBytes: number;
  /** Unauthenticated sockets allowed per client IP; more upgrades get HTTP 503. */
  maxUnauthenticatedPerIp: number;
  /** Unauthenticated sockets allowed in total, whatever their IPs. */
  maxUnauthenticatedTotal: number;
  tickIntervalMs: number;
  /** How far `device.signedAt` may be from server time. */
  signatureMaxSkewMs: number;
  /** Pair new devices connecting over loopback (and not through a proxy) without an operator. */
  autoPairLoopback: boolean;
  /**
   * Admit a paired device by its signature alone when it presents no secret, and let an unknown
   * one ask for pairing: for gateways without a token or password, where an operator approves
   * every device. Off: a connect needs a shared secret or a device token.
   */
  deviceSignatureAuth: boolean;
  idempotencyTtlMs: number;
  idempotencyMaxEntries: number;
  authBackoff: AuthBackoffOptions;
  /** The client address used for per-IP limits and backoff (default: the socket's remote address). */
  clientIp: (request: IncomingMessage) => string;
  /** Whether this client may open a socket at all (e.g. IP allow/deny lists); otherwise HTTP 403. */
  admitUpgrade: (request: IncomingMessage) => boolean;
}

/** The upgrade path of the control plane, as OpenClaw serves it; other paths are refused with 404. */
export const CONTROL_PLANE_PATH = '/';

export const SUPPORTED_PROTOCOLS = { min: 3, max: 4 } as const;

export const DEFAULT_CONTROL_PLANE_OPTIONS: Omit<ControlPlaneOptions, 'serverVersion'> = {
  handshakeTimeoutMs: 10_000,
  maxPreAuthPayloadBytes: 64 * 1024,
  maxPayloadBytes: 1024 * 1024,
  maxBufferedBytes: 4 * 1024 * 1024,
  maxUnauthenticatedPerIp: 32,
  maxUnauthenticatedTotal: 1024,
  tickIntervalMs: 15_000,
  signatureMaxSkewMs: 2 * 60_000,
  autoPairLoopback: true,
  deviceSignatureAuth: false,
  idempotencyTtlMs: 5 * 60_000,
  idempotencyMaxEntries: 1000,
  authBackoff: DEFAULT_AUTH_BACKOFF,
  clientIp: (request) => normalizeIp(request.socket.remoteAddress ?? 'unknown'),
  admitUpgrade: () => true,
};

/** The ports the control plane needs; the gateway provides them. */
export interface ControlPlaneDeps {
  credentials: GatewayCredentials;
  devices: DeviceStore;
  snapshot: GatewaySnapshot;
  metrics?: ControlPlaneMetrics;
  clock?: Clock;
  random?: RandomBytes;
  /** Other replicas' events (several gateways on one Redis); without it, events stay local. */
  replicas?: ReplicaBus;
}

export function normalizeIp(address: string): string {
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}

const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip'];

/** Loopback only when no proxy forwarded the request: behind a local proxy everyone looks local. */
export function isDirectLoopback(request: IncomingMessage): boolean {
  const address = normalizeIp(request.socket.remoteAddress ?? '');
  const loopback = address === '::1' || address.startsWith('127.');
  return loopback && FORWARDING_HEADERS.every((header) => request.headers[header] === undefined);
}
