import { DynamicModule, Module } from '@nestjs/common';
import { AgentModule } from '@switchboard/agent';
import { ChannelsModule } from '@switchboard/channels';
import { ConfigModule, SwitchboardConfig } from '@switchboard/config';
import { LoggingModule, MetricsModule } from '@switchboard/observability';
import { PersistenceModule } from '@switchboard/persistence';
import { ProvidersModule } from '@switchboard/providers';
import { QueueModule } from '@switchboard/queue';
import { SecurityModule } from '@switchboard/security';
import { SessionsModule } from '@switchboard/sessions';

/**
 * A worker process: answers queued messages and sends the replies. It takes no input of its own
 * (no HTTP, no webhooks, no polling); the gateway process accepts messages and queues them.
 */
@Module({})
export class WorkerModule {
  static forRoot(config: SwitchboardConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(config),
        MetricsModule,
        PersistenceModule,
        QueueModule.forRoot(config),
        SecurityModule,
        SessionsModule.forRoot(config),
        ProvidersModule,
        ChannelsModule.forRoot(config, { receive: false }),
        AgentModule.forRoot({ processJobs: true }),
      ],
    };
  }
}
