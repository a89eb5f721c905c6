import { StateVersion } from '../protocol/frame.schema';
import { ConnectionInfo } from '../server/method.registry';

/** Injection token of the gateway state the control plane reports. */
export const GATEWAY_SNAPSHOT = Symbol('CONTROL_PLANE_GATEWAY_SNAPSHOT');

/** The `health` method's answer: `{ok, ts, durationMs, channels:{<id>:{status,...}}, ...}`. */
export interface HealthSummary {
  ok: boolean;
  ts: number;
  durationMs: number;
  channels: Record<string, { status: string; [key: string]: unknown }>;
  [key: string]: unknown;
}

/** One entry of the presence list (connected clients, nodes, the gateway itself). */
export interface PresenceEntry {
  [key: string]: unknown;
}

/** What hello-ok carries as `snapshot`. */
export interface GatewaySnapshotView {
  presence: PresenceEntry[];
  health: HealthSummary;
  stateVersion: StateVersion;
  uptimeMs: number;
  sessionDefaults?: Record<string, unknown>;
}

/** Gateway state read by the handshake and by `health`, `status` and `system-presence`. */
export interface GatewaySnapshot {
  /** The snapshot sent in hello-ok; should be cheap (cached health, not a fresh probe). */
  current(): Promise<GatewaySnapshotView>;
  /** Answer of `health`; `probe` asks for fresh checks rather than a recent summary. */
  health(options?: { probe?: boolean }): Promise<HealthSummary>;
  /** Answer of `status`: version, uptime, channels, queue and session counts. */
  status(): Promise<Record<string, unknown>>;
  /** Where presence reads the server's authenticated connections (the server is built after the snapshot). */
  bindConnections(list: () => ConnectionInfo[]): void;
}
