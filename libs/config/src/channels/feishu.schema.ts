import { z } from 'zod';
import { AccountIssues, channelAccessSchema, channelAccounts, checkAccounts, inheritFlatSettings } from '../schema-helpers';

// The SDK's long-connection client refuses (silently) any other App ID shape.
const APP_ID = /^cli_[0-9a-fA-F]{16}$/;

const domain = z
  .string()
  .trim()
  .refine((value) => {
    if (value === 'feishu' || value === 'lark') return true;
    try {
      return ['https:', 'http:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, 'expected feishu, lark or a base URL such as https://open.feishu.cn');

/**
 * The keys of one Feishu app: the flat FEISHU_* keys (the default account) and each `accounts`
 * entry. Meta as in config.schema.ts: env variable, description, secret.
 */
const feishuAccountFields = {
  appId: z
    .string()
    .trim()
    .regex(APP_ID, 'expected an App ID like cli_a1b2c3d4e5f60789 (developer console → Credentials & Basic Info)')
    .optional()
    .meta({ env: 'FEISHU_APP_ID', description: 'Feishu/Lark custom app ID. Set: the Feishu channel is on.' }),
  appSecret: z
    .string()
    .trim()
    .min(1)
    .optional()
    .meta({ env: 'FEISHU_APP_SECRET', secret: true, description: 'App Secret of FEISHU_APP_ID; required with it.' }),
  encryptKey: z
    .string()
    .trim()
    .min(1)
    .optional()
    .meta({
      env: 'FEISHU_ENCRYPT_KEY',
      secret: true,
      description: 'Encrypt Key (Events & Callbacks → Encryption Strategy). Webhook mode: bodies are decrypted and X-Lark-Signature checked with it.',
    }),
  verificationToken: z
    .string()
    .trim()
    .min(1)
    .optional()
    .meta({
      env: 'FEISHU_VERIFICATION_TOKEN',
      secret: true,
      description: 'Verification Token (Events & Callbacks → Encryption Strategy); required in webhook mode, every event must carry it.',
    }),
  mode: z
    .enum(['websocket', 'webhook'], { error: 'expected websocket or webhook' })
    .default('websocket')
    .meta({ env: 'FEISHU_MODE', description: 'websocket (long connection opened by the gateway) or webhook (POST /webhooks/feishu).' }),
  domain: domain.default('feishu').meta({
    env: 'FEISHU_DOMAIN',
    description: 'feishu (open.feishu.cn), lark (open.larksuite.com) or a base URL (a private deployment, or a fake in tests).',
  }),
  streaming: z
    .enum(['edit', 'cardkit'], { error: 'expected edit or cardkit' })
    .default('edit')
    .meta({
      env: 'FEISHU_STREAMING',
      description: 'How replies stream: edit (a text message edited in place, 20 edits per message) or cardkit (a streaming card; needs the cardkit:card:write scope).',
    }),
  maxDownloadBytes: z.coerce
    .number({ error: 'expected a whole number from 1 to 104857600' })
    .int('expected a whole number from 1 to 104857600')
    .min(1, 'expected a whole number from 1 to 104857600')
    .max(104_857_600, 'expected a whole number from 1 to 104857600')
    .default(10_485_760)
    .meta({ env: 'FEISHU_MAX_DOWNLOAD_BYTES', description: 'Largest file (bytes) downloaded from a message to show the model.' }),
};

type FeishuAccount = z.output<z.ZodObject<typeof feishuAccountFields>>;

const feishuIssues: AccountIssues<FeishuAccount> = (app, name) => {
  const issues: ReturnType<AccountIssues<FeishuAccount>> = [];
  if (!app.appId) issues.push(['appId', 'required']);
  if (!app.appSecret) issues.push(['appSecret', `required when ${name('appId')} is set`]);
  if (app.mode === 'webhook' && !app.verificationToken) issues.push(['verificationToken', `required when ${name('mode')} is webhook`]);
  return issues;
};

/** The `feishu:` block (FEISHU_*): a custom app over its long connection or webhooks; more apps under `accounts`. */
export const feishuSchema = z
  .object({
    ...feishuAccountFields,
    accounts: channelAccounts('FEISHU', 'Feishu', feishuAccountFields),
    ...channelAccessSchema('FEISHU', 'Feishu'),
  })
  .strict()
  .prefault({})
  .transform(inheritFlatSettings(feishuAccountFields))
  .superRefine((block, ctx) =>
    checkAccounts(block, ctx, { fields: feishuAccountFields, on: (app) => app.appId !== undefined, issues: feishuIssues, identity: (app) => app.appId, what: 'App ID' }),
  );
