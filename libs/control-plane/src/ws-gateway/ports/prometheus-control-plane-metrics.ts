import { Injectable } from '@nestjs/common';
import { SwitchboardMetrics } from '@switchboard/observability';
import { ControlPlaneMetrics } from '../../ws/ports/control-plane-metrics.port';
import { Role } from '../../ws/protocol/scopes';

/** The control plane's counters as `switchboard_ws_*` Prometheus metrics. */
@Injectable()
export class PrometheusControlPlaneMetrics implements ControlPlaneMetrics {
  constructor(private readonly metrics: SwitchboardMetrics) {}

  connectionOpened(role: Role): void {
    this.metrics.wsConnections.inc({ role });
  }

  connectionClosed(role: Role): void {
    this.metrics.wsConnections.dec({ role });
  }

  handshakeCompleted(outcome: string): void {
    this.metrics.wsHandshakes.inc({ outcome });
  }

  rpcCompleted(method: string, durationMs: number, ok: boolean): void {
    this.metrics.wsRpcDuration.observe({ method, outcome: ok ? 'ok' : 'error' }, durationMs / 1000);
  }

  eventDropped(_event: string, reason: string): void {
    this.metrics.wsEventsDropped.inc({ reason });
  }

  slowConsumerDropped(): void {
    this.metrics.wsEventsDropped.inc({ reason: 'slow-consumer-disconnect' });
  }

  // A refused upgrade is a handshake that never started.
  upgradeRefused(reason: string): void {
    this.metrics.wsHandshakes.inc({ outcome: `upgrade-refused:${reason}` });
  }
}
