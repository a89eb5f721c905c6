import { secretsEqual } from '../../ws/auth/device-token';
import { ControlPlaneMetrics } from '../../ws/ports/control-plane-metrics.port';
import { GatewayCredentials } from '../../ws/ports/gateway-credentials.port';
import { GatewaySnapshot, GatewaySnapshotView, HealthSummary } from '../../ws/ports/gateway-snapshot.port';

export const TEST_GATEWAY_TOKEN = 'test-gateway-token';
export const TEST_GATEWAY_PASSWORD = 'test-gateway-password';

/** Gateway secrets fixed at construction. */
export class StaticGatewayCredentials implements GatewayCredentials {
  constructor(private readonly secrets: { token?: string; password?: string } = { token: TEST_GATEWAY_TOKEN, password: TEST_GATEWAY_PASSWORD }) {}

  get configured(): boolean {
    return this.secrets.token !== undefined || this.secrets.password !== undefined;
  }

  verifyToken(token: string): boolean {
    return this.secrets.token !== undefined && secretsEqual(token, this.secrets.token);
  }

  verifyPassword(password: string): boolean {
    return this.secrets.password !== undefined && secretsEqual(password, this.secrets.password);
  }
}

/** A gateway with one connected Telegram account. */
export class FakeGatewaySnapshot implements GatewaySnapshot {
  healthCalls = 0;
  readonly healthSummary: HealthSummary = { ok: true, ts: 1_000, durationMs: 3, channels: { telegram: { status: 'connected' } } };
  readonly view: GatewaySnapshotView = {
    presence: [{ host: 'switchboard', mode: 'gateway' }],
    health: this.healthSummary,
    stateVersion: { presence: 1, health: 1 },
    uptimeMs: 42_000,
  };

  async current(): Promise<GatewaySnapshotView> {
    return this.view;
  }

  async health(): Promise<HealthSummary> {
    this.healthCalls += 1;
    return this.healthSummary;
  }

  async status(): Promise<Record<string, unknown>> {
    return { version: '0.1.0-test', uptimeMs: this.view.uptimeMs, channels: this.healthSummary.channels, sessions: { count: 0 } };
  }

  // The view is fixed: it lists no connections.
  bindConnections(): void {}
}

/** Metrics kept as plain counters so tests can assert what was counted. */
export class RecordingMetrics implements ControlPlaneMetrics {
  readonly connectionsByRole = new Map<string, number>();
  readonly handshakes: string[] = [];
  readonly rpcs: { method: string; ok: boolean }[] = [];
  readonly droppedEvents: { event: string; reason: string }[] = [];
  readonly refusedUpgrades: string[] = [];
  slowConsumers = 0;

  connectionOpened(role: string): void {
    this.connectionsByRole.set(role, (this.connectionsByRole.get(role) ?? 0) + 1);
  }

  connectionClosed(role: string): void {
    this.connectionsByRole.set(role, (this.connectionsByRole.get(role) ?? 0) - 1);
  }

  handshakeCompleted(outcome: string): void {
    this.handshakes.push(outcome);
  }

  rpcCompleted(method: string, _durationMs: number, ok: boolean): void {
    this.rpcs.push({ method, ok });
  }

  eventDropped(event: string, reason: string): void {
    this.droppedEvents.push({ event, reason });
  }

  slowConsumerDropped(): void {
    this.slowConsumers += 1;
  }

  upgradeRefused(reason: string): void {
    this.refusedUpgrades.push(reason);
  }
}
