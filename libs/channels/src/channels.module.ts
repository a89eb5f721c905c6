import { DynamicModule, Global, Module } from '@nestjs/common';
import type { SwitchboardConfig } from '@switchboard/config';
import { CHANNEL_ADAPTERS, ChannelRegistry } from '@switchboard/core';
import { createChannelAdapters } from './channel-factories';
import { ChannelLifecycle } from './channel-lifecycle';
import { ChannelProbes } from './channels.probe';
import { InboundPipeline } from './inbound/inbound-pipeline';
import { PendingBacklog } from './inbound/pending-backlog';
import { WebhookController } from './webhooks/webhook.controller';

/** The configured chat platforms, their webhooks, and the inbound pipeline they feed. */
@Global()
@Module({})
export class ChannelsModule {
  /**
   * `receive: false` (a worker process): adapters for sending replies only; the gateway process
   * receives (webhooks, polling) and runs the inbound pipeline.
   */
  static async forRoot(config: SwitchboardConfig, options: { receive: boolean } = { receive: true }): Promise<DynamicModule> {
    const adapters = await createChannelAdapters(config);
    if (!options.receive) {
      return { module: ChannelsModule, providers: [{ provide: CHANNEL_ADAPTERS, useValue: adapters }, ChannelRegistry], exports: [ChannelRegistry] };
    }
    return {
      module: ChannelsModule,
      controllers: [WebhookController],
      providers: [
        { provide: CHANNEL_ADAPTERS, useValue: adapters },
        ChannelRegistry,
        InboundPipeline,
        PendingBacklog,
        ChannelLifecycle,
        ChannelProbes,
      ],
      exports: [ChannelRegistry, InboundPipeline, ChannelProbes],
    };
  }
}
