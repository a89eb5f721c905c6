import { DynamicModule, Module, Type } from '@nestjs/common';
import { APP_CONFIG, type SwitchboardConfig } from '@switchboard/config';
import { CHANNEL_ADAPTERS, ChannelRegistry } from '@switchboard/core';
import { MetricsModule } from '@switchboard/observability';
import { PersistenceModule } from '@switchboard/persistence';
import { LeaseModule, QueueModule } from '@switchboard/queue';
import { SecurityModule } from '@switchboard/security';
import { SessionsModule } from '@switchboard/sessions';
import { createChannelAdapters } from './channel-factories';
import { ChannelLifecycle } from './channel-lifecycle';
import { ChannelProbes } from './channels.probe';
import { BusyInput } from './inbound/busy-input';
import { InboundPipeline } from './inbound/inbound-pipeline';
import { PendingBacklog } from './inbound/pending-backlog';
import { WebhookController } from './webhooks/webhook.controller';

/**
 * The configured chat platforms, for sending: what a worker process needs to deliver replies.
 * InboundChannelsModule adds the receiving side.
 */
@Module({
  providers: [
    { provide: CHANNEL_ADAPTERS, inject: [APP_CONFIG], useFactory: (config: SwitchboardConfig) => createChannelAdapters(config) },
    ChannelRegistry,
  ],
  exports: [ChannelRegistry],
})
export class ChannelsModule {}

export interface InboundChannelsOptions {
  /** The module that exports CHAT_SESSION_DIRECTORY (the agent's), for adapters that show sessions (Slack's App Home). */
  sessions: Type | DynamicModule;
}

/**
 * The receiving side of the chat platforms, in the gateway process only: their webhooks, their
 * long connections (polling, sockets) and the inbound pipeline they feed. Built once per process
 * with forRoot.
 */
@Module({
  // Long connections run in one replica at a time, under a lease.
  imports: [ChannelsModule, LeaseModule, MetricsModule, PersistenceModule, QueueModule, SecurityModule, SessionsModule],
  controllers: [WebhookController],
  providers: [InboundPipeline, PendingBacklog, BusyInput, ChannelLifecycle, ChannelProbes],
  exports: [InboundPipeline, ChannelProbes],
})
export class InboundChannelsModule {
  static forRoot({ sessions }: InboundChannelsOptions): DynamicModule {
    return { module: InboundChannelsModule, imports: [sessions] };
  }
}
