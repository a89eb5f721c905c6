import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { ReadinessProbe } from '@switchboard/core';
import { ProbeSource, READINESS_PROBES, expandProbes } from './readiness-probes.token';

const PROBE_TIMEOUT_MS = 2_000;

@Controller()
export class HealthController {
  private readonly startedAt = Date.now();

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(READINESS_PROBES) private readonly probes: ProbeSource[],
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
    return this.health.check(expandProbes(this.probes).map((probe) => () => this.run(probe)));
  }

  private async run(probe: ReadinessProbe) {
    const indicator = this.indicators.check(probe.name);
    try {
      return indicator.up(await withTimeout(probe.check(), PROBE_TIMEOUT_MS, probe.name));
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
