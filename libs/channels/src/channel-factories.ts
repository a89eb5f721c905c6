import { type SwitchboardConfig, accountsOf } from '@switchboard/config';
import type { ChannelAdapter } from '@switchboard/core';

/**
 * Builds a platform's adapters, one per account the configuration turns on (none when the
 * platform is off). The adapter's module (and the platform SDK) is loaded only then, so a gateway
 * keeps in memory only the SDKs of the platforms it serves.
 */
export type ChannelFactory = (config: SwitchboardConfig) => Promise<ChannelAdapter>[];

const telegram: ChannelFactory = ({ telegram }) =>
  accountsOf(telegram).flatMap(({ accountId, settings: t }) => {
    const botToken = t.botToken;
    if (!botToken) return [];
    return import('./telegram/telegram.adapter.js').then(
      ({ TelegramAdapter }) =>
        new TelegramAdapter({
          accountId,
          botToken,
          mode: t.mode,
          webhookSecret: t.webhookSecret,
          webhookUrl: t.webhookUrl,
          apiRoot: t.apiRoot,
          maxDownloadBytes: t.maxDownloadBytes,
        }),
    );
  });

const dingtalk: ChannelFactory = ({ dingtalk }) =>
  accountsOf(dingtalk).flatMap(({ accountId, settings: d }) => {
    const { clientId, clientSecret } = d;
    if (!clientId || !clientSecret) return [];
    return import('./dingtalk/dingtalk.adapter.js').then(
      ({ DingTalkAdapter }) =>
        new DingTalkAdapter({
          accountId,
          clientId,
          clientSecret,
          mode: d.mode,
          apiRoot: d.apiRoot,
          oapiRoot: d.oapiRoot,
          cardTemplateId: d.cardTemplateId,
          maxDownloadBytes: d.maxDownloadBytes,
        }),
    );
  });

const feishu: ChannelFactory = ({ feishu }) =>
  accountsOf(feishu).flatMap(({ accountId, settings: f }) => {
    const { appId, appSecret } = f;
    if (!appId || !appSecret) return [];
    return import('./feishu/feishu.adapter.js').then(
      ({ FeishuAdapter }) =>
        new FeishuAdapter({
          accountId,
          appId,
          appSecret,
          mode: f.mode,
          domain: f.domain,
          verificationToken: f.verificationToken,
          encryptKey: f.encryptKey,
          maxDownloadBytes: f.maxDownloadBytes,
          streaming: f.streaming,
        }),
    );
  });

const wecom: ChannelFactory = ({ wecom, agent }) =>
  accountsOf(wecom).flatMap(({ accountId, settings: w }) => {
    if (w.mode === 'aibot') {
      const { botId, botSecret } = w;
      if (!botId || !botSecret) return [];
      // A stream is finished once no edit came for a while: never between two of the reply's edits.
      const streamIdleFinishMs = Math.max(5_000, 3 * agent.streamEditIntervalMs);
      return import('./wecom/wecom-aibot.adapter.js').then(
        ({ WecomAibotAdapter }) => new WecomAibotAdapter({ accountId, botId, botSecret, wsUrl: w.aibotWsUrl, streamIdleFinishMs }),
      );
    }
    const { corpId, agentId, secret, token, encodingAesKey } = w;
    // The schema requires all of them once WECOM_CORP_ID is set.
    if (!corpId || !agentId || !secret || !token || !encodingAesKey) return [];
    return import('./wecom/wecom-callback.adapter.js').then(
      ({ WecomCallbackAdapter }) => new WecomCallbackAdapter({ accountId, corpId, agentId, secret, token, encodingAesKey, apiRoot: w.apiRoot }),
    );
  });

// The platforms below have one account each (the flat keys) until their schema grows `accounts`.
const whatsapp: ChannelFactory = ({ whatsapp: w }) => {
  const { accessToken, phoneNumberId, appSecret, verifyToken } = w;
  // One account (`default`); the schema requires all four once one is set.
  if (!accessToken || !phoneNumberId || !appSecret || !verifyToken) return [];
  return [
    import('./whatsapp/whatsapp.adapter.js').then(
      ({ WhatsAppAdapter }) =>
        new WhatsAppAdapter({ accessToken, phoneNumberId, appSecret, verifyToken, apiRoot: w.apiRoot, maxDownloadBytes: w.maxDownloadBytes }),
    ),
  ];
};

const genericWebhook: ChannelFactory = ({ webhook: w }) => {
  const { secret, callbackUrl } = w;
  // The schema requires the callback URL once the secret is set.
  if (!secret || !callbackUrl) return [];
  return [
    import('./generic-webhook/generic-webhook.adapter.js').then(
      ({ GenericWebhookAdapter }) => new GenericWebhookAdapter({ secret, callbackUrl, syncTimeoutMs: w.syncTimeoutMs, maxDownloadBytes: w.maxDownloadBytes }),
    ),
  ];
};

const slack: ChannelFactory = ({ slack: s }) => {
  const botToken = s.botToken;
  if (!botToken) return [];
  return [
    import('./slack/slack.adapter.js').then(
      ({ SlackAdapter }) =>
        new SlackAdapter({
          botToken,
          mode: s.mode,
          appToken: s.appToken,
          signingSecret: s.signingSecret,
          apiUrl: s.apiUrl,
          maxDownloadBytes: s.maxDownloadBytes,
        }),
    ),
  ];
};

const discord: ChannelFactory = ({ discord: d }) => {
  const botToken = d.botToken;
  if (!botToken) return [];
  return [
    import('./discord/discord.adapter.js').then(
      ({ DiscordAdapter }) => new DiscordAdapter({ botToken, apiRoot: d.apiRoot, maxDownloadBytes: d.maxDownloadBytes, commandGuilds: d.commandGuilds }),
    ),
  ];
};

/** Every platform Switchboard supports. Adding one = its folder + one entry here. */
const CHANNEL_FACTORIES: readonly ChannelFactory[] = [telegram, dingtalk, feishu, wecom, whatsapp, genericWebhook, slack, discord];

/** The adapters of the accounts the configuration turns on, on every platform. */
export function createChannelAdapters(config: SwitchboardConfig): Promise<ChannelAdapter[]> {
  return Promise.all(CHANNEL_FACTORIES.flatMap((create) => create(config)));
}
