import { z } from 'zod';
import { channelAccessSchema, key, url, wholeNumber } from '../schema-helpers';

/**
 * The `webhook:` block (WEBHOOK_*): the generic signed webhook, for any system that speaks
 * Standard Webhooks. It is on once WEBHOOK_SECRET is set; replies then go to WEBHOOK_CALLBACK_URL.
 */
export const genericWebhookSchema = z
  .object({
    secret: key(z.string().trim().regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, 'expected whsec_ followed by a base64 key (at least 16 characters)').optional(), {
      env: 'WEBHOOK_SECRET',
      secret: true,
      description: 'Standard Webhooks secret (whsec_<base64>): signs requests to POST /webhooks/generic and the replies posted back. Set: the generic webhook channel is on.',
    }),
    callbackUrl: key(url(['https:', 'http:']).optional(), {
      env: 'WEBHOOK_CALLBACK_URL',
      description: 'Where replies are POSTed, signed with WEBHOOK_SECRET (required with WEBHOOK_SECRET).',
    }),
    syncTimeoutMs: key(wholeNumber(1_000, 120_000).default(25_000), {
      env: 'WEBHOOK_SYNC_TIMEOUT_MS',
      description: 'How long a request with "reply": "sync" waits for the reply; after it the answer is 202 and the reply goes to the callback URL.',
    }),
    maxDownloadBytes: key(wholeNumber(1, 104_857_600).default(10_485_760), {
      env: 'WEBHOOK_MAX_DOWNLOAD_BYTES',
      description: 'Largest attachment (bytes) fetched from a URL in a request to show the model.',
    }),
    ...channelAccessSchema('WEBHOOK', 'Generic webhook'),
  })
  .strict()
  .prefault({})
  .superRefine((block, ctx) => {
    if (block.secret && !block.callbackUrl) ctx.addIssue({ code: 'custom', path: ['callbackUrl'], message: 'required when WEBHOOK_SECRET is set' });
  });
