import { DynamicModule, Module } from '@nestjs/common';
import { AgentModule } from '@switchboard/agent';
import { ChannelsModule } from '@switchboard/channels';
import { MetricsModule } from '@switchboard/observability';
import { PersistenceModule } from '@switchboard/persistence';
import { ProvidersModule } from '@switchboard/providers';
import { QueueModule } from '@switchboard/queue';
import { SecurityModule } from '@switchboard/security';
import { SessionsModule } from '@switchboard/sessions';
import { AgentMethods } from '../gateway-methods/agent/agent.methods';
import { ChannelsMethods } from '../gateway-methods/channels/channels.methods';
import { ChatRunRegistry } from '../gateway-methods/chat/chat-run.registry';
import { ChatTurnRunner } from '../gateway-methods/chat/chat-turn.runner';
import { ChatMethods } from '../gateway-methods/chat/chat.methods';
import { METHOD_GROUPS, MethodGroup } from '../gateway-methods/method-group';
import { ModelsMethods } from '../gateway-methods/models/models.methods';
import { SendMethods } from '../gateway-methods/send/send.methods';
import { SessionsMethods } from '../gateway-methods/sessions/sessions.methods';
import { CONTROL_PLANE_METRICS } from '../ws/ports/control-plane-metrics.port';
import { DEVICE_STORE } from '../ws/ports/device-store.port';
import { GATEWAY_CREDENTIALS } from '../ws/ports/gateway-credentials.port';
import { GATEWAY_SNAPSHOT } from '../ws/ports/gateway-snapshot.port';
import { CONTROL_PLANE_MODULE_OPTIONS, ControlPlaneModuleSettings } from './control-plane.module-definition';
import { ControlPlaneGateway } from './control-plane.gateway';
import { DevicesAdminService } from './devices/devices-admin';
import { ConfigGatewayCredentials } from './ports/config-gateway-credentials';
import { DatabaseDeviceStore } from './ports/database-device-store';
import { GatewaySnapshotService } from './ports/gateway-snapshot.service';
import { PrometheusControlPlaneMetrics } from './ports/prometheus-control-plane-metrics';
import { replicaBusProvider } from './ports/redis-replica-bus';

const methodGroups = [SessionsMethods, ChatMethods, AgentMethods, SendMethods, ModelsMethods, ChannelsMethods];

/**
 * The OpenClaw-compatible WebSocket control plane of the gateway (`ControlPlaneGateway`), its
 * ports on the database, the readiness probes and Prometheus, and the core methods.
 */
@Module({})
export class ControlPlaneModule {
  static forRoot({ health, ...options }: ControlPlaneModuleSettings): DynamicModule {
    return {
      module: ControlPlaneModule,
      imports: [
        AgentModule,
        ChannelsModule,
        health,
        MetricsModule,
        PersistenceModule,
        ProvidersModule,
        QueueModule,
        SecurityModule,
        SessionsModule,
      ],
      providers: [
        { provide: CONTROL_PLANE_MODULE_OPTIONS, useValue: options },
        { provide: GATEWAY_CREDENTIALS, useClass: ConfigGatewayCredentials },
        { provide: DEVICE_STORE, useClass: DatabaseDeviceStore },
        { provide: GATEWAY_SNAPSHOT, useClass: GatewaySnapshotService },
        { provide: CONTROL_PLANE_METRICS, useClass: PrometheusControlPlaneMetrics },
        ChatRunRegistry,
        ChatTurnRunner,
        ...methodGroups,
        { provide: METHOD_GROUPS, inject: methodGroups, useFactory: (...groups: MethodGroup[]) => groups },
        replicaBusProvider,
        ControlPlaneGateway,
        DevicesAdminService,
      ],
      exports: [ControlPlaneGateway, DevicesAdminService],
    };
  }
}
