import { z } from 'zod';
import { AccountIssues, channelAccessSchema, channelAccounts, checkAccounts, inheritFlatSettings, key, url, wholeNumber } from '../schema-helpers';

/** The keys of one Telegram bot: the flat TELEGRAM_* keys (the default account) and each `accounts` entry. */
const telegramAccountFields = {
  botToken: key(z.string().trim().regex(/^\d+:[\w-]{20,}$/, 'expected a bot token like 123456:ABC... from @BotFather').optional(), {
    env: 'TELEGRAM_BOT_TOKEN',
    secret: true,
    description: 'Bot token from @BotFather. Set: the Telegram channel is on.',
  }),
  mode: key(z.enum(['webhook', 'polling'], { error: 'expected webhook or polling' }).default('polling'), {
    env: 'TELEGRAM_MODE',
    description: 'polling (long polling getUpdates) or webhook (POST /webhooks/telegram).',
  }),
  webhookSecret: key(z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, 'expected 16-256 characters of A-Z a-z 0-9 _ -').optional(), {
    env: 'TELEGRAM_WEBHOOK_SECRET',
    secret: true,
    description: 'Secret Telegram sends in X-Telegram-Bot-Api-Secret-Token; required in webhook mode.',
  }),
  webhookUrl: key(url(['https:', 'http:']).optional(), {
    env: 'TELEGRAM_WEBHOOK_URL',
    description: 'Public URL of /webhooks/telegram to register with setWebhook at start (optional).',
  }),
  apiRoot: key(url(['https:', 'http:']).default('https://api.telegram.org'), {
    env: 'TELEGRAM_API_ROOT',
    description: 'Bot API server (a self-hosted one, or a fake in tests).',
  }),
  maxDownloadBytes: key(wholeNumber(1, 20_971_520).default(10_485_760), {
    env: 'TELEGRAM_MAX_DOWNLOAD_BYTES',
    description: 'Largest file (bytes) downloaded from a message to show the model; the Bot API serves at most 20 MB.',
  }),
};

type TelegramAccount = z.output<z.ZodObject<typeof telegramAccountFields>>;

const telegramIssues: AccountIssues<TelegramAccount> = (bot, name) => {
  const issues: ReturnType<AccountIssues<TelegramAccount>> = [];
  if (!bot.botToken) issues.push(['botToken', 'required']);
  if (bot.mode === 'webhook' && !bot.webhookSecret) issues.push(['webhookSecret', `required when ${name('mode')} is webhook`]);
  return issues;
};

/** The `telegram:` block (TELEGRAM_*): the default bot, more bots under `accounts`, and who may talk to them. */
export const telegramSchema = z
  .object({
    ...telegramAccountFields,
    accounts: channelAccounts('TELEGRAM', 'Telegram', telegramAccountFields),
    ...channelAccessSchema('TELEGRAM', 'Telegram'),
  })
  .strict()
  .prefault({})
  .transform(inheritFlatSettings(telegramAccountFields))
  .superRefine((block, ctx) =>
    checkAccounts(block, ctx, { fields: telegramAccountFields, on: (bot) => bot.botToken !== undefined, issues: telegramIssues, identity: (bot) => bot.botToken?.split(':')[0], what: 'bot (token)' }),
  );
