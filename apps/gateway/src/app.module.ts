import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AgentModule } from '@switchboard/agent';
import { ChannelProbes, ChannelsModule } from '@switchboard/channels';
import type { SwitchboardConfig } from '@switchboard/config';
import { OpenAiApiModule } from '@switchboard/control-plane/openai-api/openai-api.module';
import { ControlPlaneModule } from '@switchboard/control-plane/ws-gateway/control-plane.module';
import { HealthModule } from '@switchboard/observability';
import { DatabaseProbe } from '@switchboard/persistence';
import { QueueProbe } from '@switchboard/queue';
import { foundationModules } from './foundation-modules';
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
        ...foundationModules(config),
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
