import { z } from 'zod';
import { AccountIssues, channelAccessSchema, channelAccounts, checkAccounts, inheritFlatSettings, key, url, wholeNumber } from '../schema-helpers';

const CALLBACK_KEYS = ['corpId', 'agentId', 'secret', 'token', 'encodingAesKey'] as const;
const AIBOT_KEYS = ['botId', 'botSecret'] as const;

/** The keys of one WeCom app or AI bot: the flat WECOM_* keys (the default account) and each `accounts` entry. */
const wecomAccountFields = {
  mode: key(z.enum(['callback', 'aibot'], { error: 'expected callback or aibot' }).default('callback'), {
    env: 'WECOM_MODE',
    description: 'callback (a self-built app: GET/POST /webhooks/wecom, replies with message/send) or aibot (an AI bot over its long connection, replies streamed).',
  }),
  corpId: key(z.string().trim().regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected the corp id (My Company → Company Info → Company ID)').optional(), {
    env: 'WECOM_CORP_ID',
    description: 'Corp id (callback mode). Set, or WECOM_BOT_ID set: the WeCom channel is on.',
  }),
  agentId: key(wholeNumber(1, 2_147_483_647).optional(), {
    env: 'WECOM_AGENT_ID',
    description: 'AgentId of the self-built app (callback mode).',
  }),
  secret: key(z.string().trim().min(1, 'expected the app Secret').optional(), {
    env: 'WECOM_SECRET',
    secret: true,
    description: 'Secret of the self-built app, for access tokens (callback mode).',
  }),
  token: key(z.string().trim().regex(/^[A-Za-z0-9]{1,32}$/, 'expected up to 32 letters and digits').optional(), {
    env: 'WECOM_TOKEN',
    secret: true,
    description: 'Token of the app\'s callback settings, signs each callback (callback mode).',
  }),
  encodingAesKey: key(z.string().trim().regex(/^[A-Za-z0-9]{43}$/, 'expected 43 letters and digits').optional(), {
    env: 'WECOM_ENCODING_AES_KEY',
    secret: true,
    description: 'EncodingAESKey of the app\'s callback settings, encrypts each callback (callback mode).',
  }),
  botId: key(z.string().trim().min(1, 'expected the AI bot\'s BotID').optional(), {
    env: 'WECOM_BOT_ID',
    description: 'BotID of the AI bot (aibot mode). Set, or WECOM_CORP_ID set: the WeCom channel is on.',
  }),
  botSecret: key(z.string().trim().min(1, 'expected the AI bot\'s Secret').optional(), {
    env: 'WECOM_BOT_SECRET',
    secret: true,
    description: 'Secret of the AI bot\'s long connection (aibot mode).',
  }),
  apiRoot: key(url(['https:', 'http:']).default('https://qyapi.weixin.qq.com'), {
    env: 'WECOM_API_ROOT',
    description: 'WeCom server API (a proxy in front of it, or a fake in tests).',
  }),
  aibotWsUrl: key(url(['wss:', 'ws:']).default('wss://openws.work.weixin.qq.com'), {
    env: 'WECOM_AIBOT_WS_URL',
    description: 'Long-connection address of AI bots (aibot mode).',
  }),
};

type WecomAccount = z.output<z.ZodObject<typeof wecomAccountFields>>;

// Every key the mode needs.
const wecomIssues: AccountIssues<WecomAccount> = (account, name) =>
  (account.mode === 'callback' ? CALLBACK_KEYS : AIBOT_KEYS)
    .filter((needed) => account[needed] === undefined)
    .map((needed) => [needed, `required when ${name('mode')} is ${account.mode}`]);

/**
 * The `wecom:` block: a self-built app receiving callbacks (`callback`) or an AI bot over its long
 * connection (`aibot`), and more of either under `accounts`. WeCom is on when WECOM_CORP_ID or
 * WECOM_BOT_ID is set; every key the mode needs must then be there, and a missing one is named.
 */
export const wecomSchema = z
  .object({
    ...wecomAccountFields,
    accounts: channelAccounts('WECOM', 'WeCom', wecomAccountFields),
    ...channelAccessSchema('WECOM', 'WeCom'),
  })
  .strict()
  .prefault({})
  .transform(inheritFlatSettings(wecomAccountFields))
  .superRefine((block, ctx) =>
    checkAccounts(block, ctx, {
      fields: wecomAccountFields,
      on: (account) => account.corpId !== undefined || account.botId !== undefined,
      issues: wecomIssues,
      // One app is a corp's agent; an AI bot is its BotID.
      identity: (account) => (account.mode === 'callback' ? account.corpId && `${account.corpId}/${account.agentId}` : account.botId),
      what: 'app (corp id and agent id) or AI bot (BotID)',
    }),
  );
