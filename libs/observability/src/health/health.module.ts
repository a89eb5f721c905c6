import { DynamicModule, ForwardReference, Module, Type } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { ReadinessProbe } from '@switchboard/core';
import { HealthController } from './health.controller';
import { ProbeSource, READINESS_PROBES, ReadinessProbeSet } from './readiness-probes.token';
import { ReadinessService } from './readiness.service';

/**
 * `GET /health` (liveness) and `GET /ready` (readiness of each probe given here). The probes are
 * provided by the modules that own the parts (database, queue, channels), given as `imports`.
 * Built once per process, which hands the same object to the control plane (ReadinessService).
 */
export interface HealthModuleOptions {
  /** The modules that export the probes. */
  imports: Array<Type | DynamicModule | ForwardReference>;
  probes: Type<ReadinessProbe | ReadinessProbeSet>[];
}

@Module({})
export class HealthModule {
  static forRoot({ imports, probes }: HealthModuleOptions): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false }), ...imports],
      controllers: [HealthController],
      providers: [{ provide: READINESS_PROBES, inject: probes, useFactory: (...found: ProbeSource[]) => found }, ReadinessService],
      exports: [ReadinessService],
    };
  }
}
