export { TelegramAdapter } from './telegram/telegram.adapter';
export type { TelegramAdapterOptions } from './telegram/telegram.adapter';
export { mapTelegramUpdate } from './telegram/telegram.mapper';
export type { TelegramBotIdentity, TelegramMappingContext } from './telegram/telegram.mapper';
export { CHANNEL_FACTORIES } from './channel-factories';
export type { ChannelFactory } from './channel-factories';
export { ChannelsModule } from './channels.module';
export { ChannelProbes } from './channels.probe';
export { InboundPipeline } from './inbound/inbound-pipeline';
