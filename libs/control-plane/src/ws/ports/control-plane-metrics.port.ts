import { Role } from '../protocol/scopes';

/** Injection token of the control-plane metrics sink (the lead maps it to prom-client). */
export const CONTROL_PLANE_METRICS = Symbol('CONTROL_PLANE_METRICS');

/** Counters and gauges of the control plane. Calls are synchronous and must not throw. */
export interface ControlPlaneMetrics {
  /** An authenticated connection opened (gauge by role +1). */
  connectionOpened(role: Role): void;
  /** An authenticated connection closed (gauge by role −1). */
  connectionClosed(role: Role): void;
  /**
   * Outcome of one handshake: "ok", a `details.code` (e.g. AUTH_TOKEN_MISMATCH, PAIRING_REQUIRED),
   * or one of "timeout", "frame-too-large", "invalid-frame", "closed".
   */
  handshakeCompleted(outcome: string): void;
  /** One RPC answered; `method` is "unknown" for unregistered names (bounded label set). */
  rpcCompleted(method: string, durationMs: number, ok: boolean): void;
  /** An event not delivered to a connection ("slow-consumer"). */
  eventDropped(event: string, reason: string): void;
  /** A connection closed because its send buffer passed maxBufferedBytes. */
  slowConsumerDropped(): void;
  /**
   * An upgrade refused before the WebSocket opened: "unauthenticated-per-ip",
   * "unauthenticated-total", "shutting-down", "path", "not-admitted".
   */
  upgradeRefused(reason: string): void;
}

export const noopControlPlaneMetrics: ControlPlaneMetrics = {
  connectionOpened: () => undefined,
  connectionClosed: () => undefined,
  handshakeCompleted: () => undefined,
  rpcCompleted: () => undefined,
  eventDropped: () => undefined,
  slowConsumerDropped: () => undefined,
  upgradeRefused: () => undefined,
};
