import type { ContractPlatform } from '../contract-platform';
import { DingTalkContractPlatform } from './dingtalk.contract';
import { DiscordContractPlatform } from './discord.contract';
import { FeishuContractPlatform } from './feishu.contract';
import { GenericWebhookContractPlatform } from './generic-webhook.contract';
import { SlackContractPlatform } from './slack.contract';
import { TelegramContractPlatform } from './telegram.contract';
import { WecomContractPlatform } from './wecom.contract';
import { WhatsAppContractPlatform } from './whatsapp.contract';

/**
 * Every platform and mode the channel contract suite runs against (e2e/channel-contract.e2e-spec.ts),
 * one line each. A new adapter joins by implementing ContractPlatform and adding its line here.
 */
export const CONTRACT_PLATFORMS: ReadonlyArray<() => ContractPlatform> = [
  () => new TelegramContractPlatform('webhook'),
  () => new TelegramContractPlatform('polling'),
  () => new DingTalkContractPlatform('stream'),
  () => new DingTalkContractPlatform('webhook'),
  () => new FeishuContractPlatform('webhook'),
  () => new FeishuContractPlatform('websocket'),
  () => new FeishuContractPlatform('websocket', 'cardkit'),
  () => new WecomContractPlatform('callback'),
  () => new WecomContractPlatform('aibot'),
  () => new WhatsAppContractPlatform(),
  () => new GenericWebhookContractPlatform(),
  () => new SlackContractPlatform('http'),
  () => new SlackContractPlatform('socket'),
  () => new DiscordContractPlatform(),
];
