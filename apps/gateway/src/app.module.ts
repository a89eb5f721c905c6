import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AdminApiModule } from '@switchboard/admin-api';
import { AgentWorkerModule, ChatSessionsModule, McpModule, McpProbes } from '@switchboard/agent';
import { ChannelProbes, InboundChannelsModule } from '@switchboard/channels';
import type { SwitchboardConfig } from '@switchboard/config';
import { OpenAiApiModule } from '@switchboard/control-plane/openai-api/openai-api.module';
import { ControlPlaneModule } from '@switchboard/control-plane/ws-gateway/control-plane.module';
import { HealthModule, MetricsModule } from '@switchboard/observability';
import { DatabaseProbe, PersistenceModule } from '@switchboard/persistence';
import { QueueModule, QueueProbe } from '@switchboard/queue';
import { foundationModules } from './foundation-modules';
import { DomainErrorFilter } from './http/domain-error.filter';
import { LandingController } from './landing/landing.controller';
import { LocalAdminModule } from './local-admin/local-admin.module';
import { QueueMetricsBridge } from './metrics/queue-metrics.bridge';
import { version } from './version';
import { WebChatController } from './webchat/webchat.controller';
import { WorkerProcessesModule, WorkerProcessesProbe } from './worker/worker-processes';

/** The gateway process: every module, wired once from the validated configuration. */
@Module({})
export class AppModule {
  /**
   * `configFile`: the --config the gateway was started with (its worker processes get it too);
   * `generatedToken`: the control-plane token generated in embedded mode without GATEWAY_TOKEN.
   */
  static forRoot(config: SwitchboardConfig, configFile?: string, generatedToken?: string): DynamicModule {
    const workers = config.queue.workerProcesses > 0 ? WorkerProcessesModule.forRoot(configFile) : undefined;
    // Each of these dynamic modules is built once here and the same object handed to every module
    // that uses it, so the process has one instance of each (Nest keys dynamic modules by reference).
    const inboundChannels = InboundChannelsModule.forRoot({ sessions: ChatSessionsModule });
    const health = HealthModule.forRoot({
      imports: [PersistenceModule, QueueModule, inboundChannels, McpModule, ...(workers ? [workers] : [])],
      probes: [DatabaseProbe, QueueProbe, ChannelProbes, McpProbes, ...(workers ? [WorkerProcessesProbe] : [])],
    });
    const controlPlane = ControlPlaneModule.forRoot({ serverVersion: version, generatedToken, health });
    return {
      module: AppModule,
      imports: [
        ...foundationModules(config),
        inboundChannels,
        // Without worker processes this process consumes the queue itself.
        ...(workers ? [workers] : [AgentWorkerModule]),
        OpenAiApiModule,
        controlPlane,
        LocalAdminModule.forRoot(controlPlane),
        AdminApiModule.forRoot({ controlPlane }),
        health,
        // Used by QueueMetricsBridge; MetricsModule also serves /metrics.
        MetricsModule,
        QueueModule,
      ],
      controllers: [WebChatController, LandingController],
      providers: [QueueMetricsBridge, { provide: APP_FILTER, useClass: DomainErrorFilter }],
    };
  }
}
