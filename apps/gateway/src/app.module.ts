import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AgentModule } from '@switchboard/agent';
import { ChannelProbes, ChannelsModule } from '@switchboard/channels';
import { ConfigModule, SwitchboardConfig } from '@switchboard/config';
import { OpenAiApiModule } from '@switchboard/control-plane/openai-api/openai-api.module';
import { ControlPlaneModule } from '@switchboard/control-plane/ws-gateway/control-plane.module';
import { HealthModule, LoggingModule, MetricsModule } from '@switchboard/observability';
import { DatabaseProbe, PersistenceModule } from '@switchboard/persistence';
import { ProvidersModule } from '@switchboard/providers';
import { QueueModule, QueueProbe } from '@switchboard/queue';
import { SecurityModule } from '@switchboard/security';
import { SessionsModule } from '@switchboard/sessions';
import { DomainErrorFilter } from './http/domain-error.filter';
import { LocalAdminModule } from './local-admin/local-admin.module';
import { QueueMetricsBridge } from './metrics/queue-metrics.bridge';
import { version } from './version';
import { WebChatController } from './webchat/webchat.controller';
import { WorkerProcessesModule, WorkerProcessesProbe } from './worker/worker-processes';

/** The gateway process: every module, wired once from the validated configuration. */
@Module({})
export class AppModule {
  /** `configFile`: the --config the gateway was started with (its worker processes get it too). */
  static forRoot(config: SwitchboardConfig, configFile?: string): DynamicModule {
    const workerProcesses = config.queue.workerProcesses > 0;
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(config),
        MetricsModule,
        PersistenceModule,
        QueueModule.forRoot(config),
        SecurityModule,
        SessionsModule.forRoot(config),
        ProvidersModule,
        ChannelsModule.forRoot(config),
        AgentModule.forRoot({ processJobs: !workerProcesses }),
        OpenAiApiModule,
        ControlPlaneModule.forRoot({ serverVersion: version }),
        LocalAdminModule,
        ...(workerProcesses ? [WorkerProcessesModule.forRoot(configFile)] : []),
        HealthModule.forRoot([DatabaseProbe, QueueProbe, ChannelProbes, ...(workerProcesses ? [WorkerProcessesProbe] : [])]),
      ],
      controllers: [WebChatController],
      providers: [QueueMetricsBridge, { provide: APP_FILTER, useClass: DomainErrorFilter }],
    };
  }
}
