import type { DynamicModule, Type } from '@nestjs/common';
import { ConfigModule, SwitchboardConfig } from '@switchboard/config';
import { LoggingModule, MetricsModule } from '@switchboard/observability';
import { PersistenceModule } from '@switchboard/persistence';
import { ProvidersModule } from '@switchboard/providers';
import { QueueModule } from '@switchboard/queue';
import { SecurityModule } from '@switchboard/security';
import { SessionsModule } from '@switchboard/sessions';

/** The modules both a gateway process and a worker process are built on. */
export function foundationModules(config: SwitchboardConfig): Array<Type | DynamicModule> {
  return [
    ConfigModule.forRoot(config),
    LoggingModule.forRoot(config),
    MetricsModule,
    PersistenceModule,
    QueueModule.forRoot(config),
    SecurityModule,
    SessionsModule.forRoot(config),
    ProvidersModule,
  ];
}
