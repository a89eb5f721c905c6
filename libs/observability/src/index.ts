export { HealthModule } from './health/health.module';
export type { ReadinessProbeSet } from './health/readiness-probes.token';
export { ReadinessService } from './health/readiness.service';
export type { ProbeResult } from './health/readiness.service';
export { LoggingModule, REQUEST_ID_HEADER_NAME, requestIdFor } from './logging/logging.module';
export { REDACTED_LOG_PATHS } from './logging/redaction';
export { MetricsModule } from './metrics/metrics.module';
export { SwitchboardMetrics } from './metrics/switchboard-metrics';
export type { QueueDepthSample, QueueDepthSource } from './metrics/switchboard-metrics';
