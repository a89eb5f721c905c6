export { FakeLlmServer } from './fake-llm/fake-llm.server';
export { TINY_PNG_BASE64 } from './fixtures/images';
export type { FakeLlmServerOptions } from './fake-llm/fake-llm.server';
export type {
  FakeLlmApi,
  FakeLlmError,
  FakeLlmImage,
  FakeLlmReply,
  FakeLlmRequest,
  FakeLlmResponder,
  FakeLlmToolCall,
} from './fake-llm/fake-llm.types';
export { FAKE_TELEGRAM_BOT, FAKE_TELEGRAM_TOKEN, FakeTelegramServer, type FakeBotMessage, type FakeWebhook } from './fake-telegram/fake-telegram.server';
export { FakePlatformServer } from './fake-platform/fake-platform.server';
export type {
  FakeCallFilter,
  FakePlatformCall,
  FakePlatformReply,
  FakeRouteHandler,
  FakeUploadedFile,
} from './fake-platform/fake-platform.server';
export { inboundDm } from './factories/inbound-message.factory';
