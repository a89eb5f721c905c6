export { CHANNEL_ADAPTERS, DEFAULT_ACCOUNT } from './channels/channel-adapter';
export { prefixWithin, textSize } from './channels/text-limit';
export type { TextUnit } from './channels/text-limit';
export { ChannelRegistry, channelName } from './channels/channel-registry';
export { CHAT_SESSION_DIRECTORY } from './channels/chat-sessions';
export type { ChatRef, ChatSessionDirectory, ChatSessionState } from './channels/chat-sessions';
export type {
  ChannelAdapter,
  ChannelCapabilities,
  ChannelRunEvents,
  InboundOutcome,
  InboundSink,
  LongConnection,
  WebhookMethod,
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
export { formatBytes } from './messages/format-bytes';
export type { ReplicaBus } from './replicas/replica-bus';
export { backoffDelayMs } from './retry/backoff-delay';
export { parseCommand } from './messages/chat-command';
export type { CommandMenuEntry, ParsedCommand } from './messages/chat-command';
