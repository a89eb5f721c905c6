import { DomainError, ErrorCode, type CommandMenuEntry, type InboundMessage, type InboundOutcome } from '@switchboard/core';
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ChannelType,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  SnowflakeUtil,
  type APIInteraction,
  type APIInteractionResponseCallbackData,
  type APIUser,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  type RESTPostAPIInteractionCallbackJSONBody,
} from 'discord.js';
import { placeOf, senderOf } from './discord.mapper';

/** The one option every command has: what a typed command would carry after its name. */
export const ARGS_OPTION = 'args';
// Discord's limits: a description of 1 to 100 characters, a message of 2,000.
const MAX_DESCRIPTION = 100;
const MAX_CONTENT = 2000;
const THREAD_TYPES = new Set<ChannelType>([ChannelType.PublicThread, ChannelType.PrivateThread, ChannelType.AnnouncementThread]);

/**
 * The gateway's commands as Discord application commands (chat input, `/name`), each with one
 * optional string option `args`, so that `/model` + `args: openai:gpt-4o` is what typing
 * `/model openai:gpt-4o` is. Descriptions longer than Discord takes are cut with an ellipsis.
 */
export function discordCommands(menu: CommandMenuEntry[]): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return menu.map(({ name, description }) => ({
    type: ApplicationCommandType.ChatInput,
    name,
    description: fitted(description, MAX_DESCRIPTION),
    options: [{ type: ApplicationCommandOptionType.String, name: ARGS_OPTION, description: 'what follows the command, as in a typed message', required: false }],
  }));
}

/**
 * Maps a slash command (an INTERACTION_CREATE of a chat input command) to the chat command it
 * stands for: the text `/name args`, said by the invoking user in the channel where it was
 * invoked, addressed to the bot; the inbound pipeline then treats it as a typed command (access
 * rules, command permissions). `null` for other interactions (buttons, autocomplete, context
 * menus), which the bot never offers. Its id is `interaction:<id>` (no message of the chat has
 * it, so nothing replies to it as to a message). A payload that cannot be read throws INVALID_INPUT.
 */
export function mapDiscordCommand(interaction: APIInteraction, accountId: string): InboundMessage | null {
  if (interaction.type !== InteractionType.ApplicationCommand || interaction.data.type !== ApplicationCommandType.ChatInput) return null;
  const user: APIUser | undefined = interaction.member?.user ?? interaction.user;
  const channelId = interaction.channel?.id ?? interaction.channel_id;
  const name = interaction.data.name;
  if (typeof interaction.id !== 'string' || typeof user?.id !== 'string' || typeof channelId !== 'string' || typeof name !== 'string') {
    throw new DomainError(ErrorCode.INVALID_INPUT, 'a command interaction without a readable id, user, channel or name');
  }
  const option = interaction.data.options?.find((candidate) => candidate.name === ARGS_OPTION);
  const args = option?.type === ApplicationCommandOptionType.String ? option.value.trim() : '';
  const channel = interaction.channel;
  const inThread = channel !== undefined && THREAD_TYPES.has(channel.type);
  return {
    platform: 'discord',
    accountId,
    ...placeOf(channelId, {
      guildId: interaction.guild_id,
      parentId: inThread && 'parent_id' in channel ? (channel.parent_id ?? undefined) : undefined,
      channelType: channel?.type,
    }),
    platformMessageId: `interaction:${interaction.id}`,
    sender: senderOf(user),
    text: `/${name.toLowerCase()}${args ? ` ${args}` : ''}`,
    attachments: [],
    mentionsBot: true,
    repliesToBot: false,
    // The time in Discord's id, so the same interaction always maps to the same message.
    receivedAt: new Date(SnowflakeUtil.timestampFrom(interaction.id)),
  };
}

/**
 * The answer to a slash command's interaction, sent once the command is stored. Discord wants one
 * within 3 s, or shows "The application did not respond". It is a message of its own (type 4),
 * not a deferred "is thinking…" (type 5): a deferred answer must later be edited through the
 * interaction's token, while the gateway's reply goes out later, maybe from another process,
 * through the adapter's send() like every reply, as a message of the bot in the channel. So an
 * accepted command is answered with its text, shown to everyone under Discord's "<user> used
 * /name", which reads as the question the reply below it answers; a command that will not run
 * is answered with why, shown to the invoking user only.
 */
export function commandAck(outcome: InboundOutcome, text: string): RESTPostAPIInteractionCallbackJSONBody {
  const data: APIInteractionResponseCallbackData =
    outcome === 'accepted' || outcome === 'duplicate'
      ? { content: fitted(text, MAX_CONTENT) }
      : { content: REFUSALS[outcome], flags: MessageFlags.Ephemeral };
  return { type: InteractionResponseType.ChannelMessageWithSource, data: { ...data, allowed_mentions: { parse: [] } } };
}

const REFUSALS: Record<Exclude<InboundOutcome, 'accepted' | 'duplicate'>, string> = {
  // In a DM the pairing code comes as a message of its own when the DM policy is pairing.
  denied: 'Not run: you may not use this bot yet.',
  ignored: 'Not run: the bot does not answer here.',
  rate_limited: 'Not run: too many messages; try again in a moment.',
  invalid: 'Not run: the command could not be read.',
};

function fitted(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
