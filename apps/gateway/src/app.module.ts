import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, SwitchboardConfig } from '@switchboard/config';
import { HealthModule, LoggingModule, MetricsModule } from '@switchboard/observability';
import { DatabaseProbe, PersistenceModule } from '@switchboard/persistence';
import { QueueModule, QueueProbe } from '@switchboard/queue';
import { QueueMetricsBridge } from './metrics/queue-metrics.bridge';

/** The gateway process: every module, wired once from the validated configuration. */
@Module({})
export class AppModule {
  static forRoot(config: SwitchboardConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(config),
        MetricsModule,
        PersistenceModule,
        QueueModule.forRoot(config),
        HealthModule.forRoot([DatabaseProbe, QueueProbe]),
      ],
      providers: [QueueMetricsBridge],
    };
  }
}
