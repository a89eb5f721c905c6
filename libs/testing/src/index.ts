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
export {
  FAKE_DINGTALK_CLIENT_ID,
  FAKE_DINGTALK_CLIENT_SECRET,
  FakeDingTalk,
  callbackHeaders,
  type FakeDingTalkBotMessage,
  type FakeDingTalkFrame,
  type FakeDingTalkMessageSpec,
  type FakeDingTalkUser,
} from './fake-dingtalk/fake-dingtalk.server';
export { FakePlatformServer } from './fake-platform/fake-platform.server';
export type {
  FakeCallFilter,
  FakePlatformCall,
  FakePlatformReply,
  FakeRouteHandler,
  FakeUploadedFile,
} from './fake-platform/fake-platform.server';
export { inboundDm } from './factories/inbound-message.factory';
export { deferred, recordingSink } from './factories/recording-sink';
export {
  FAKE_FEISHU_APP_ID,
  FAKE_FEISHU_APP_SECRET,
  FAKE_FEISHU_BOT,
  FakeFeishuServer,
  type FakeFeishuMessage,
  type FakeFeishuPush,
} from './fake-feishu/fake-feishu.server';
export { feishuUrlVerification, feishuWebhookDelivery, type FeishuChatRef, type FeishuEnvelope, type FeishuUser } from './fake-feishu/fake-feishu.events';
export { FAKE_WEBHOOK_SECRET, FakeGenericWebhookServer, type FakeGenericDelivery, type FakeGenericReply } from './fake-generic-webhook/fake-generic-webhook.server';
export { FAKE_WHATSAPP_APP, FakeWhatsAppServer, type FakeWhatsAppDelivery, type FakeWhatsAppMessage } from './fake-whatsapp/fake-whatsapp.server';
export { FAKE_WECOM_APP, FakeWecomServer, type FakeWecomAppMessage, type FakeWecomCallback } from './fake-wecom/fake-wecom.server';
export {
  FAKE_WECOM_BOT,
  FakeWecomAibotServer,
  type FakeAibotBotMessage,
  type FakeAibotCallback,
  type FakeAibotMedia,
  type FakeAibotMediaType,
  type FakeAibotMessage,
} from './fake-wecom/fake-wecom-aibot.server';
export { FAKE_MCP_SERVER } from './fake-mcp/fake-mcp';
export { FakeMcpHttpServer } from './fake-mcp/fake-mcp-http.server';
export {
  FAKE_SLACK_APP_TOKEN,
  FAKE_SLACK_BOT,
  FAKE_SLACK_BOT_TOKEN,
  FAKE_SLACK_SIGNING_SECRET,
  FakeSlackServer,
  type FakeSlackHome,
  type FakeSlackMessage,
  type FakeSlackPush,
} from './fake-slack/fake-slack.server';
export { SlackEventBuilder, signedSlackRequest, type FakeSlackFile, type SlackEventCallbackBody, type SlackMessageSpec } from './fake-slack/fake-slack.events';
export {
  FAKE_DISCORD_BOT,
  FAKE_DISCORD_TOKEN,
  FakeDiscordServer,
  type FakeDiscordBotMessage,
  type FakeDiscordCommand,
  type FakeDiscordGuild,
  type FakeDiscordInteractionResponse,
} from './fake-discord/fake-discord.server';
export type { FakeDiscordCommandSpec, FakeDiscordFile, FakeDiscordMessageSpec, FakeDiscordUser } from './fake-discord/fake-discord.payloads';
