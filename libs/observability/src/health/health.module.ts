import { DynamicModule, Module, Type } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { ReadinessProbe } from '@switchboard/core';
import { HealthController } from './health.controller';
import { ProbeSource, READINESS_PROBES, ReadinessProbeSet } from './readiness-probes.token';
import { ReadinessService } from './readiness.service';

/**
 * `GET /health` (liveness) and `GET /ready` (readiness of each probe given here). The probes are
 * provided by the modules that own the parts (database, queue, channels).
 */
@Module({})
export class HealthModule {
  static forRoot(probes: Type<ReadinessProbe | ReadinessProbeSet>[]): DynamicModule {
    return {
      module: HealthModule,
      // Global: the control plane reports the same probes in its `health` method.
      global: true,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [{ provide: READINESS_PROBES, inject: probes, useFactory: (...found: ProbeSource[]) => found }, ReadinessService],
      exports: [ReadinessService],
    };
  }
}
