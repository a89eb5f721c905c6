export { CHANNEL_ADAPTERS } from './channels/channel-adapter';
export { ChannelRegistry } from './channels/channel-registry';
export type {
  ChannelAdapter,
  ChannelCapabilities,
  InboundOutcome,
  InboundSink,
  WebhookRequest,
  WebhookResponse,
} from './channels/channel-adapter';
export { MicroBatcher } from './batching/micro-batcher';
export type { MicroBatcherOptions } from './batching/micro-batcher';
export { ExpiringCache } from './cache/expiring-cache';
export type { ExpiringCacheOptions } from './cache/expiring-cache';
export { DomainError, ErrorCode, isDomainError } from './errors/domain-error';
export type { DomainErrorOptions } from './errors/domain-error';
export type { ReadinessProbe } from './health/readiness-probe';
export type {
  Attachment,
  AttachmentKind,
  ChatTarget,
  ChatType,
  InboundMessage,
  OutboundAttachment,
  OutboundMessage,
  Sender,
  SentMessage,
} from './messages/message';
