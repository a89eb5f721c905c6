import type { APIAttachment, APIUser, GatewayInteractionCreateDispatchData, GatewayMessageCreateDispatchData } from 'discord.js';

// Discord's epoch (2015-01-01), the base of the timestamp in a snowflake's upper bits.
const DISCORD_EPOCH_MS = 1_420_070_400_000n;
let increment = 0n;

/** A new snowflake id: the time in its upper bits, a counter in the lower. */
export function nextSnowflake(): string {
  increment = (increment + 1n) % 4096n;
  return String(((BigInt(Date.now()) - DISCORD_EPOCH_MS) << 22n) | increment);
}

export interface FakeDiscordUser {
  id: string;
  username: string;
  /** The display name; the username when unset. */
  globalName?: string;
  bot?: boolean;
}

export interface FakeDiscordFile {
  fileName: string;
  contentType: string;
  data: Buffer;
}

/** A user's message as the spec describes it; `guildId` unset means a direct message. */
export interface FakeDiscordMessageSpec {
  from: FakeDiscordUser;
  channelId: string;
  guildId?: string;
  content: string;
  /** Users the message mentions (`<@id>` must also be in the content to show). */
  mentions?: FakeDiscordUser[];
  /** The message it replies to (type 19, with message_reference and referenced_message). */
  replyTo?: GatewayMessageCreateDispatchData;
  files?: FakeDiscordFile[];
}

export function apiUser(user: FakeDiscordUser): APIUser {
  return { id: user.id, username: user.username, global_name: user.globalName ?? null, discriminator: '0', avatar: null, ...(user.bot ? { bot: true } : {}) };
}

/**
 * Builds MESSAGE_CREATE payloads as Discord dispatches them (API v10). Attachment bytes are
 * handed to `storeFile`, which returns the CDN URL to put in the payload.
 */
export function messageCreate(spec: FakeDiscordMessageSpec, storeFile: (file: FakeDiscordFile, id: string) => string): GatewayMessageCreateDispatchData {
  const id = nextSnowflake();
  const attachments: APIAttachment[] = (spec.files ?? []).map((file) => {
    const attachmentId = nextSnowflake();
    const url = storeFile(file, attachmentId);
    return { id: attachmentId, filename: file.fileName, size: file.data.length, url, proxy_url: url, content_type: file.contentType };
  });
  const reply = spec.replyTo;
  const message = {
    id,
    type: reply ? 19 : 0,
    channel_id: spec.channelId,
    author: apiUser(spec.from),
    content: spec.content,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: (spec.mentions ?? []).map(apiUser),
    mention_roles: [],
    attachments,
    embeds: [],
    pinned: false,
    flags: 0,
    components: [],
    ...(reply
      ? {
          message_reference: { type: 0, message_id: reply.id, channel_id: reply.channel_id, guild_id: reply.guild_id },
          referenced_message: reply,
        }
      : {}),
    // In a guild the member comes along; a DM says its channel type (1), which discord.js needs to place it.
    ...(spec.guildId ? { guild_id: spec.guildId, member: { roles: [], joined_at: new Date(0).toISOString(), deaf: false, mute: false, flags: 0 } } : { channel_type: 1 }),
  };
  return message as GatewayMessageCreateDispatchData;
}

/** A user running one of the bot's slash commands; `guildId` unset means a direct message. */
export interface FakeDiscordCommandSpec {
  from: FakeDiscordUser;
  channelId: string;
  guildId?: string;
  /** Set when `channelId` is a thread: the channel it belongs to. */
  threadParentId?: string;
  /** The command's name, without the slash. */
  name: string;
  /** What the user typed into the command's `args` option; left out when unset. */
  args?: string;
}

/**
 * An INTERACTION_CREATE for a chat input command (type 2, data.type 1) as Discord dispatches it
 * (API v10): the invoking user as `member.user` in a guild and `user` in a DM, the channel
 * object beside channel_id (a thread's names its parent), a token for the callback.
 */
export function commandInteraction(spec: FakeDiscordCommandSpec, applicationId: string): GatewayInteractionCreateDispatchData {
  const inGuild = spec.guildId !== undefined;
  const user = apiUser(spec.from);
  const channelType = !inGuild ? 1 : spec.threadParentId ? 11 : 0;
  const interaction = {
    id: nextSnowflake(),
    application_id: applicationId,
    type: 2,
    token: `fake-interaction-token-${nextSnowflake()}`,
    version: 1,
    data: {
      id: nextSnowflake(),
      name: spec.name,
      type: 1,
      ...(spec.args !== undefined ? { options: [{ name: 'args', type: 3, value: spec.args }] } : {}),
    },
    channel_id: spec.channelId,
    channel: {
      id: spec.channelId,
      type: channelType,
      ...(inGuild ? { guild_id: spec.guildId, name: 'channel' } : {}),
      ...(spec.threadParentId ? { parent_id: spec.threadParentId } : {}),
    },
    app_permissions: '0',
    locale: 'en-US',
    entitlements: [],
    attachment_size_limit: 10_485_760,
    ...(inGuild
      ? {
          guild_id: spec.guildId,
          guild_locale: 'en-US',
          member: { user, roles: [], joined_at: new Date(0).toISOString(), deaf: false, mute: false, flags: 0, permissions: '0' },
          authorizing_integration_owners: { 0: spec.guildId },
          context: 0,
        }
      : { user, authorizing_integration_owners: { 0: '0' }, context: 1 }),
  };
  return interaction as unknown as GatewayInteractionCreateDispatchData;
}
