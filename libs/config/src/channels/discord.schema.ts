import { z } from 'zod';
import { channelAccessSchema, key, list, url, wholeNumber, type ConfigKeyMeta } from '../schema-helpers';

// Three dot-separated base64url parts: the bot's user id, a timestamp, an HMAC.
const BOT_TOKEN = /^[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}$/;

const access = channelAccessSchema('DISCORD', 'Discord');

/**
 * An id list that refuses ids YAML has rounded: unquoted, an 18-digit snowflake is read as a
 * number and comes out wrong (200000000000000001 → 200000000000000000), which would allow
 * someone else or no one.
 */
const idList = z.preprocess((value, ctx) => {
  if (Array.isArray(value) && value.some((item) => typeof item === 'number' && !Number.isSafeInteger(item))) {
    ctx.addIssue({ code: 'custom', message: 'quote Discord ids in YAML ("200000000000000001"): unquoted, YAML rounds them', input: value });
  }
  return value;
}, list);

// Checked on the whole list, so that the problem is reported under the key's variable.
const guildIds = idList.superRefine((ids, ctx) => {
  const wrong = ids.find((id) => !/^\d{17,20}$/.test(id));
  if (wrong !== undefined) ctx.addIssue({ code: 'custom', message: `"${wrong}" is not a server (guild) id: expected 17 to 20 digits` });
});

/** An id list of the access block, with the access block's key. */
function snowflakeList(field: z.ZodType) {
  return key(idList.default([]), field.meta() as unknown as ConfigKeyMeta);
}

/** The `discord:` block (DISCORD_*): a bot user, receiving over the Gateway WebSocket. */
export const discordSchema = z
  .object({
    botToken: key(z.string().trim().regex(BOT_TOKEN, 'expected a bot token (developer portal → your application → Bot → Reset Token)').optional(), {
      env: 'DISCORD_BOT_TOKEN',
      secret: true,
      description: 'Token of the Discord bot user. Set: the Discord channel is on (one gateway connection, held by one replica).',
    }),
    apiRoot: key(url(['https:', 'http:']).default('https://discord.com/api'), {
      env: 'DISCORD_API_ROOT',
      description: 'Discord REST API base, without the version; the gateway URL comes from its GET /gateway/bot (a fake in tests).',
    }),
    maxDownloadBytes: key(wholeNumber(1, 524_288_000).default(10_485_760), {
      env: 'DISCORD_MAX_DOWNLOAD_BYTES',
      description: 'Largest attachment (bytes) downloaded from a message to show the model.',
    }),
    commandGuilds: key(guildIds.default([]), {
      env: 'DISCORD_COMMAND_GUILDS',
      description: 'Servers (guild ids) to register the slash commands in, instead of globally (every server and DM with the bot); empty: globally.',
    }),
    ...access,
    allowedUsers: snowflakeList(access.allowedUsers),
    adminUsers: snowflakeList(access.adminUsers),
    allowedGroups: snowflakeList(access.allowedGroups),
  })
  .strict()
  .prefault({});
