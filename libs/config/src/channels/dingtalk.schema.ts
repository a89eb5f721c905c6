import { z } from 'zod';
import { AccountIssues, channelAccessSchema, channelAccounts, checkAccounts, inheritFlatSettings, key, url, wholeNumber } from '../schema-helpers';

/** The keys of one DingTalk app: the flat DINGTALK_* keys (the default account) and each `accounts` entry. */
const dingtalkAccountFields = {
  clientId: key(z.string().trim().min(1, 'expected the app\'s Client ID (AppKey)').optional(), {
    env: 'DINGTALK_CLIENT_ID',
    description: 'Client ID (AppKey) of the DingTalk app whose robot answers. Set: the DingTalk channel is on; it is also the robot code.',
  }),
  clientSecret: key(z.string().trim().min(1, 'expected the app\'s Client Secret (AppSecret)').optional(), {
    env: 'DINGTALK_CLIENT_SECRET',
    secret: true,
    description: 'Client Secret (AppSecret) of that app: gets access tokens and, in webhook mode, checks the callback signature.',
  }),
  mode: key(z.enum(['stream', 'webhook'], { error: 'expected stream or webhook' }).default('stream'), {
    env: 'DINGTALK_MODE',
    description: 'stream (Stream mode: an outgoing WebSocket, no public URL needed) or webhook (DingTalk POSTs to /webhooks/dingtalk).',
  }),
  apiRoot: key(url(['https:', 'http:']).default('https://api.dingtalk.com'), {
    env: 'DINGTALK_API_ROOT',
    description: 'DingTalk OpenAPI server (access tokens, Stream gateway, robot and card APIs); a fake in tests.',
  }),
  oapiRoot: key(url(['https:', 'http:']).default('https://oapi.dingtalk.com'), {
    env: 'DINGTALK_OAPI_ROOT',
    description: 'DingTalk\'s older API server, which keeps the media upload of files the robot sends; a fake in tests.',
  }),
  cardTemplateId: key(z.string().trim().min(1).optional(), {
    env: 'DINGTALK_CARD_TEMPLATE_ID',
    description: 'AI card template id: replies stream into an AI card (its `content` variable). Unset: each reply is sent whole as text.',
  }),
  maxDownloadBytes: key(wholeNumber(1, 104_857_600).default(10_485_760), {
    env: 'DINGTALK_MAX_DOWNLOAD_BYTES',
    description: 'Largest picture or file (bytes) downloaded from a message to show the model.',
  }),
};

type DingTalkAccount = z.output<z.ZodObject<typeof dingtalkAccountFields>>;

const dingtalkIssues: AccountIssues<DingTalkAccount> = (app, name) => {
  if (!app.clientId && !app.clientSecret) return [['clientId', 'required'], ['clientSecret', 'required']];
  if (!app.clientSecret) return [['clientSecret', `required when ${name('clientId')} is set`]];
  if (!app.clientId) return [['clientId', `required when ${name('clientSecret')} is set`]];
  return [];
};

/** The `dingtalk:` block (DINGTALK_*): an internal app's robot, over Stream mode or the HTTP callback; more apps under `accounts`. */
export const dingtalkSchema = z
  .object({
    ...dingtalkAccountFields,
    accounts: channelAccounts('DINGTALK', 'DingTalk', dingtalkAccountFields),
    ...channelAccessSchema('DINGTALK', 'DingTalk'),
  })
  .strict()
  .prefault({})
  .transform(inheritFlatSettings(dingtalkAccountFields))
  .superRefine((block, ctx) =>
    checkAccounts(block, ctx, {
      fields: dingtalkAccountFields,
      on: (app) => app.clientId !== undefined || app.clientSecret !== undefined,
      issues: dingtalkIssues,
      identity: (app) => app.clientId,
      what: 'client id',
    }),
  );
