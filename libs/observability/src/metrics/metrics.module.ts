import { Module } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { SwitchboardMetrics } from './switchboard-metrics';

/** `GET /metrics`: process metrics plus the `switchboard_*` ones, recorded through SwitchboardMetrics. */
@Module({
  imports: [PrometheusModule.register({ path: '/metrics', defaultMetrics: { enabled: true } })],
  providers: [SwitchboardMetrics],
  exports: [SwitchboardMetrics],
})
export class MetricsModule {}
