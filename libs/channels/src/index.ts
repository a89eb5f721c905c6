// Platform adapters are not exported here: channel-factories loads each one only when configured.
export { createChannelAdapters } from './channel-factories';
export type { ChannelFactory } from './channel-factories';
export { ChannelsModule, InboundChannelsModule } from './channels.module';
export { useBodyParsers } from './webhooks/body-parsers';
export { ChannelProbes } from './channels.probe';
export { InboundPipeline } from './inbound/inbound-pipeline';
