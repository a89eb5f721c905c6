import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { ReadinessProbe } from '@switchboard/core';
import { ReadinessService } from './readiness.service';

@Controller()
export class HealthController {
  private readonly startedAt = Date.now();

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly readiness: ReadinessService,
  ) {}

  /** Liveness: the process answers. Never touches a dependency, so it stays cheap. */
  @Get('health')
  live(): { status: 'ok'; uptimeSeconds: number } {
    return { status: 'ok', uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000) };
  }

  /** Readiness: every part works; 503 names the parts that do not. */
  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check(this.readiness.probes().map((probe) => () => this.run(probe)));
  }

  private async run(probe: ReadinessProbe) {
    const indicator = this.indicators.check(probe.name);
    const result = await this.readiness.run(probe);
    return result.ok ? indicator.up(result.details) : indicator.down({ message: result.error });
  }
}
