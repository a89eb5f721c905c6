import { z } from 'zod';
import { channelAccessSchema, key, url, wholeNumber } from '../schema-helpers';

/** The `slack:` block (SLACK_*): one Slack app's bot, over Socket Mode or the Events API over HTTP. */
export const slackSchema = z
  .object({
    botToken: key(z.string().trim().regex(/^xoxb-[\w-]{10,}$/, 'expected a bot token like xoxb-... (OAuth & Permissions → Bot User OAuth Token)').optional(), {
      env: 'SLACK_BOT_TOKEN',
      secret: true,
      description: 'Bot User OAuth Token (xoxb-...) of the Slack app. Set: the Slack channel is on.',
    }),
    mode: key(z.enum(['socket', 'http'], { error: 'expected socket or http' }).default('socket'), {
      env: 'SLACK_MODE',
      description: 'socket (Socket Mode: an outgoing WebSocket, no public URL needed) or http (Slack POSTs events to /webhooks/slack).',
    }),
    appToken: key(z.string().trim().regex(/^xapp-[\w-]{10,}$/, 'expected an app-level token like xapp-... with the connections:write scope').optional(), {
      env: 'SLACK_APP_TOKEN',
      secret: true,
      description: 'App-Level Token (xapp-..., scope connections:write) that opens the Socket Mode connection; required in socket mode.',
    }),
    signingSecret: key(z.string().trim().regex(/^[0-9a-f]{16,128}$/i, 'expected the hexadecimal Signing Secret (Basic Information → App Credentials)').optional(), {
      env: 'SLACK_SIGNING_SECRET',
      secret: true,
      description: 'Signing Secret that checks X-Slack-Signature on every request to /webhooks/slack; required in http mode.',
    }),
    apiUrl: key(url(['https:', 'http:']).default('https://slack.com/api/'), {
      env: 'SLACK_API_URL',
      description: 'Slack Web API base URL (a fake in tests).',
    }),
    maxDownloadBytes: key(wholeNumber(1, 1_073_741_824).default(10_485_760), {
      env: 'SLACK_MAX_DOWNLOAD_BYTES',
      description: 'Largest file (bytes) downloaded from a message to show the model.',
    }),
    ...channelAccessSchema('SLACK', 'Slack'),
  })
  .strict()
  .prefault({})
  .superRefine((block, ctx) => {
    if (!block.botToken) return;
    if (block.mode === 'socket' && !block.appToken) {
      ctx.addIssue({ code: 'custom', path: ['appToken'], message: 'required when SLACK_MODE is socket (the default)' });
    }
    if (block.mode === 'http' && !block.signingSecret) {
      ctx.addIssue({ code: 'custom', path: ['signingSecret'], message: 'required when SLACK_MODE is http' });
    }
  });
