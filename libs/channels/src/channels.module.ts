import { DynamicModule, Global, Module } from '@nestjs/common';
import type { SwitchboardConfig } from '@switchboard/config';
import { CHANNEL_ADAPTERS, ChannelAdapter, ChannelRegistry } from '@switchboard/core';
import { CHANNEL_FACTORIES } from './channel-factories';
import { ChannelLifecycle } from './channel-lifecycle';
import { ChannelProbes } from './channels.probe';
import { InboundPipeline } from './inbound/inbound-pipeline';
import { WebhookController } from './webhooks/webhook.controller';

/** The configured chat platforms, their webhooks, and the inbound pipeline they feed. */
@Global()
@Module({})
export class ChannelsModule {
  static forRoot(config: SwitchboardConfig): DynamicModule {
    const adapters: ChannelAdapter[] = CHANNEL_FACTORIES.map((create) => create(config)).filter(
      (adapter): adapter is ChannelAdapter => adapter !== undefined,
    );
    return {
      module: ChannelsModule,
      controllers: [WebhookController],
      providers: [
        { provide: CHANNEL_ADAPTERS, useValue: adapters },
        ChannelRegistry,
        InboundPipeline,
        ChannelLifecycle,
        ChannelProbes,
      ],
      exports: [ChannelRegistry, InboundPipeline, ChannelProbes],
    };
  }
}
