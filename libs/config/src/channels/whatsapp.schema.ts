import { z } from 'zod';
import { channelAccessSchema, key, url, wholeNumber } from '../schema-helpers';

const REQUIRED_KEYS = [
  ['accessToken', 'WHATSAPP_ACCESS_TOKEN'],
  ['phoneNumberId', 'WHATSAPP_PHONE_NUMBER_ID'],
  ['appSecret', 'WHATSAPP_APP_SECRET'],
  ['verifyToken', 'WHATSAPP_VERIFY_TOKEN'],
] as const;

/**
 * The `whatsapp:` block (WHATSAPP_*): a WhatsApp Business phone number on Meta's Cloud API,
 * receiving over the webhook (GET /webhooks/whatsapp to verify it, POST for messages). The channel
 * is on once any of its four credentials is set; each missing one is then named.
 */
export const whatsappSchema = z
  .object({
    accessToken: key(z.string().trim().min(1, 'expected the access token (a System User\'s permanent token)').optional(), {
      env: 'WHATSAPP_ACCESS_TOKEN',
      secret: true,
      description: 'Access token of the Cloud API (a System User\'s permanent token). Set: the WhatsApp channel is on.',
    }),
    phoneNumberId: key(z.string().trim().regex(/^\d{1,32}$/, 'expected the Phone number ID (digits, from WhatsApp → API Setup)').optional(), {
      env: 'WHATSAPP_PHONE_NUMBER_ID',
      description: 'Phone number ID the bot sends from (WhatsApp → API Setup; not the phone number itself).',
    }),
    appSecret: key(z.string().trim().min(1, 'expected the App Secret (App settings → Basic)').optional(), {
      env: 'WHATSAPP_APP_SECRET',
      secret: true,
      description: 'App Secret of the Meta app: checks X-Hub-Signature-256 on every webhook POST.',
    }),
    verifyToken: key(z.string().trim().min(1, 'expected the Verify token typed into the webhook settings').optional(), {
      env: 'WHATSAPP_VERIFY_TOKEN',
      secret: true,
      description: 'Verify token typed into the app\'s webhook settings; GET /webhooks/whatsapp answers Meta\'s check with it.',
    }),
    apiRoot: key(url(['https:', 'http:']).default('https://graph.facebook.com'), {
      env: 'WHATSAPP_API_ROOT',
      description: 'Graph API server (a proxy in front of it, or a fake in tests).',
    }),
    maxDownloadBytes: key(wholeNumber(1, 104_857_600).default(10_485_760), {
      env: 'WHATSAPP_MAX_DOWNLOAD_BYTES',
      description: 'Largest image, document or voice note (bytes) downloaded from a message to show the model.',
    }),
    ...channelAccessSchema('WHATSAPP', 'WhatsApp'),
  })
  .strict()
  .prefault({})
  .superRefine((block, ctx) => {
    if (!REQUIRED_KEYS.some(([name]) => block[name] !== undefined)) return;
    for (const [name, env] of REQUIRED_KEYS) {
      if (block[name] === undefined) ctx.addIssue({ code: 'custom', path: [name], message: `required for the WhatsApp channel (${env})` });
    }
  });
