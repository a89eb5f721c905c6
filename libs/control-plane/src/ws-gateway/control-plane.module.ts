import { Module } from '@nestjs/common';
import { AgentMethods } from '../gateway-methods/agent/agent.methods';
import { ChannelsMethods } from '../gateway-methods/channels/channels.methods';
import { ChatRunRegistry } from '../gateway-methods/chat/chat-run.registry';
import { ChatTurnRunner } from '../gateway-methods/chat/chat-turn.runner';
import { ChatMethods } from '../gateway-methods/chat/chat.methods';
import { METHOD_GROUPS, MethodGroup } from '../gateway-methods/method-group';
import { ModelsMethods } from '../gateway-methods/models/models.methods';
import { SendMethods } from '../gateway-methods/send/send.methods';
import { SessionsMethods } from '../gateway-methods/sessions/sessions.methods';
import { ConfigurableControlPlaneModule } from './control-plane.module-definition';
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
 * ports on the database, the readiness probes and Prometheus, and the core methods. Needs the
 * global modules (config, persistence, queue, security, sessions, providers, channels, metrics,
 * health).
 */
@Module({
  providers: [
    ConfigGatewayCredentials,
    DatabaseDeviceStore,
    GatewaySnapshotService,
    PrometheusControlPlaneMetrics,
    ChatRunRegistry,
    ChatTurnRunner,
    ...methodGroups,
    { provide: METHOD_GROUPS, inject: methodGroups, useFactory: (...groups: MethodGroup[]) => groups },
    replicaBusProvider,
    ControlPlaneGateway,
    DevicesAdminService,
  ],
  exports: [ControlPlaneGateway, DevicesAdminService],
})
export class ControlPlaneModule extends ConfigurableControlPlaneModule {}
