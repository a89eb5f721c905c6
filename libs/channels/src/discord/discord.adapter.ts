import { Logger } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  type Attachment,
  type ChannelAdapter,
  type ChannelCapabilities,
  type ChannelRunEvents,
  type ChatTarget,
  type CommandMenuEntry,
  type InboundMessage,
  type InboundOutcome,
  type InboundSink,
  type LongConnection,
  type OutboundAttachment,
  type OutboundMessage,
  type SentMessage,
} from '@switchboard/core';
import {
  Client,
  Events,
  GatewayCloseCodes,
  GatewayDispatchEvents,
  GatewayIntentBits,
  REST,
  Routes,
  Status,
  type APIApplication,
  type APIMessage,
  type APIUser,
  type GatewayInteractionCreateDispatchData,
  type GatewayMessageCreateDispatchData,
  type GatewayReadyDispatchData,
  type RawFile,
  type RESTOptions,
} from 'discord.js';
import { checkDownloadSize, downloadWithin, type DownloadLimit } from '../downloads/bounded-download';
import { storeUntilStopped } from '../inbound/store-until-stopped';
import { commandAck, discordCommands, mapDiscordCommand } from './discord.commands';
import { callDiscord, rejectLongRateLimit, toDomainError } from './discord.errors';
import { mapDiscordMessage, type DiscordBotIdentity } from './discord.mapper';

/** The `discord` config section, as far as the adapter needs it. */
export interface DiscordAdapterOptions {
  botToken: string;
  /** REST base (defaults to https://discord.com/api); the gateway's URL comes from GET /gateway/bot. */
  apiRoot?: string;
  /** Defaults to `default`. */
  accountId?: string;
  /** Largest inbound file downloaded (DISCORD_MAX_DOWNLOAD_BYTES). */
  maxDownloadBytes?: number;
  /** Longest wait for the gateway's READY at start (default 15 s); then the start fails and the runner retries. */
  connectTimeoutMs?: number;
  /** Servers to register the slash commands in (DISCORD_COMMAND_GUILDS); none: globally. */
  commandGuilds?: string[];
}

const DEFAULT_API_ROOT = 'https://discord.com/api';
const DEFAULT_MAX_DOWNLOAD_BYTES = 10 * 1024 * 1024;
// Message Content is a privileged intent: without it guild messages that do not mention the bot come empty.
const INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages, GatewayIntentBits.MessageContent];
// What a bot may upload to a server without boosts.
const UPLOAD_LIMIT: DownloadLimit = { what: 'Discord file', setting: "Discord's upload limit", maxBytes: 10 * 1024 * 1024 };
// Replies never ping @everyone, roles or users, whatever the model writes.
const NO_PINGS = { parse: [], replied_user: false };
// Ids of Discord messages are snowflakes; a slash command's (`interaction:<id>`) is no message to reply to.
const MESSAGE_ID = /^\d+$/;

/**
 * Discord through discord.js: messages arrive over the Gateway WebSocket (one per bot token, so
 * one replica holds it under the lease `channel:discord:<account>`), replies go out over REST.
 *
 * Nothing is acked on Discord: a message counts as received once its dispatch came in, and it is
 * stored once (the inbound pipeline dedups by message id, so a dispatch replayed twice is stored
 * once). When the connection drops, discord.js RESUMEs the session after 0.5 s and Discord replays
 * what was dispatched meanwhile. A message sent while the session could not be resumed (Discord
 * invalidated it, the process restarted, the lease moved to another replica, discord.js
 * re-identified after a network error) is never dispatched to the new session: it is not received.
 * Slash commands arrive over the same connection (INTERACTION_CREATE) and are stored the same way,
 * then answered (see commandAck).
 */
export class DiscordAdapter implements ChannelAdapter {
  readonly id = 'discord';
  readonly capabilities: ChannelCapabilities = {
    edit: true,
    typing: true,
    threads: true,
    reactions: false,
    files: true,
    images: true,
    voice: false,
    maxTextLength: 2000,
  };
  readonly longConnection: LongConnection;

  private readonly logger = new Logger(DiscordAdapter.name);
  readonly accountId: string;
  /** REST of its own: replies go out from every replica, with or without the gateway connection. */
  private readonly rest: REST;
  private readonly downloadLimit: DownloadLimit;
  private client: Client | undefined;
  private identity: DiscordBotIdentity | undefined;
  private sink: InboundSink | undefined;
  private stopping = new AbortController();
  /** Dispatches are stored one after the other, in the order Discord sent them. */
  private receiving: Promise<void> = Promise.resolve();

  constructor(private readonly options: DiscordAdapterOptions) {
    this.accountId = options.accountId ?? 'default';
    this.longConnection = { account: this.accountId, kind: 'gateway' };
    this.rest = new REST(restOptions(options)).setToken(options.botToken);
    this.downloadLimit = { what: 'Discord file', setting: 'DISCORD_MAX_DOWNLOAD_BYTES', maxBytes: options.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES };
  }

  async start(sink: InboundSink, events?: ChannelRunEvents): Promise<void> {
    const stopping = (this.stopping = new AbortController());
    // A client per start: a destroyed discord.js client does not log in again.
    const client = new Client({ intents: INTENTS, rest: restOptions(this.options) });
    this.client = client;
    this.sink = sink;
    // Raw dispatches, not discord.js's Message objects: those need the channel in the client's
    // cache (DMs only with Partials.Channel), while the payload alone says all the mapper reads.
    client.ws.on(GatewayDispatchEvents.Ready, (data: GatewayReadyDispatchData) => {
      this.identity = { id: data.user.id, username: data.user.username };
    });
    client.ws.on(GatewayDispatchEvents.MessageCreate, (data: GatewayMessageCreateDispatchData) => this.receive(data, client));
    client.ws.on(GatewayDispatchEvents.InteractionCreate, (data: GatewayInteractionCreateDispatchData) => this.receiveCommand(data));
    client.on(Events.ShardError, (error) => this.logger.warn(`Discord gateway error: ${error.message}`));
    try {
      await this.connect(client, stopping.signal, events);
    } catch (error) {
      if (stopping.signal.aborted) return;
      this.client = undefined;
      await client.destroy();
      throw toDomainError('gateway login', error);
    }
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    const client = this.client;
    this.client = undefined;
    await client?.destroy();
    await this.receiving;
    this.sink = undefined;
  }

  async send(target: ChatTarget, message: OutboundMessage): Promise<SentMessage> {
    const files = await Promise.all((message.attachments ?? []).map(rawFileOf));
    const body = {
      content: message.text === '' ? undefined : message.text,
      message_reference: MESSAGE_ID.test(message.replyToMessageId ?? '') ? { message_id: message.replyToMessageId, fail_if_not_exists: false } : undefined,
      attachments: files.map((file, index) => ({ id: index, filename: file.name })),
      allowed_mentions: NO_PINGS,
    };
    const sent = (await callDiscord('create message', () => this.rest.post(Routes.channelMessages(channelOf(target)), { body, files }))) as APIMessage;
    return { platformMessageId: sent.id };
  }

  async edit(target: ChatTarget, platformMessageId: string, text: string): Promise<void> {
    await callDiscord('edit message', () =>
      this.rest.patch(Routes.channelMessage(channelOf(target), platformMessageId), { body: { content: text, allowed_mentions: NO_PINGS } }),
    );
  }

  async sendTyping(target: ChatTarget): Promise<void> {
    // Shows "typing…" for about 10 s, or until the bot's next message.
    await callDiscord('trigger typing', () => this.rest.post(Routes.channelTyping(channelOf(target))));
  }

  async downloadAttachment(attachment: Attachment): Promise<Buffer> {
    // platformFileId is the attachment's CDN URL (signed by Discord, no token needed).
    checkDownloadSize(attachment.sizeBytes, this.downloadLimit);
    return downloadWithin(attachment.platformFileId, {}, this.downloadLimit);
  }

  async healthProbe(): Promise<Record<string, unknown>> {
    const shard = this.client?.ws.shards.first();
    if (this.client && shard?.status !== Status.Ready) {
      throw new DomainError(ErrorCode.TEMPORARY, `Discord gateway ${Status[shard?.status ?? Status.Idle].toLowerCase()}`);
    }
    const me = (await callDiscord('get current user', () => this.rest.get(Routes.user('@me')))) as APIUser;
    return { bot: me.username, ...(shard ? { ping: shard.ping } : {}) };
  }

  /**
   * Registers the commands as the application's slash commands (a bulk overwrite: commands the
   * gateway no longer has go away): globally, or in each server of `commandGuilds` and then none
   * globally, or every command would show twice there.
   */
  async setCommands(commands: CommandMenuEntry[]): Promise<void> {
    const application = (await callDiscord('get current application', () => this.rest.get(Routes.currentApplication()))) as APIApplication;
    const body = discordCommands(commands);
    const put = (route: `/${string}`, list: unknown[]) => callDiscord('register commands', () => this.rest.put(route, { body: list }));
    const guilds = this.options.commandGuilds ?? [];
    for (const guild of guilds) await put(Routes.applicationGuildCommands(application.id, guild), body);
    await put(Routes.applicationCommands(application.id), guilds.length ? [] : body);
  }

  /**
   * Logs in and resolves once the gateway sent READY. discord.js resumes and reconnects by itself;
   * it gives up only on a close code that will not change on a retry (a refused token, intents
   * not enabled in the developer portal): the runner is then told, or the start fails.
   */
  private connect(client: Client, stopping: AbortSignal, events: ChannelRunEvents | undefined): Promise<void> {
    const timeoutMs = this.options.connectTimeoutMs ?? 15_000;
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      const notUp = setTimeout(() => reject(new DomainError(ErrorCode.TEMPORARY, `Discord gateway not ready within ${timeoutMs / 1000} s`)), timeoutMs);
      // stop() while connecting: start resolves, not started (stop destroys the client).
      stopping.addEventListener(
        'abort',
        () => {
          clearTimeout(notUp);
          resolve();
        },
        { once: true },
      );
      client.on(Events.ShardDisconnect, (event) => {
        const failure = gatewayClosed(event.code);
        if (!ready) {
          clearTimeout(notUp);
          return reject(failure);
        }
        if (this.client === client && !stopping.aborted) events?.connectionLost(failure);
      });
      client.login(this.options.botToken).then(
        () => {
          ready = true;
          clearTimeout(notUp);
          resolve();
        },
        (error: unknown) => {
          clearTimeout(notUp);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  /** Dispatches that came before a stop() are still stored: stop() waits for them. */
  private receive(data: GatewayMessageCreateDispatchData, client: Client): void {
    this.receiving = this.receiving.then(() => this.store(data, client));
  }

  /** A slash command is stored in turn with the messages, then its interaction answered. */
  private receiveCommand(data: GatewayInteractionCreateDispatchData): void {
    this.receiving = this.receiving.then(() => this.storeCommand(data));
  }

  private async storeCommand(interaction: GatewayInteractionCreateDispatchData): Promise<void> {
    let message: InboundMessage | null;
    try {
      message = mapDiscordCommand(interaction, this.accountId);
    } catch (error) {
      this.logger.warn(`Discord interaction ${String(interaction.id)} dropped, it cannot be read: ${String(error)}`);
      return;
    }
    if (!message) return;
    const outcome = await this.storeMessage(message);
    if (!outcome) return;
    // No bot token: the interaction's own token authorizes the answer.
    await this.rest
      .post(Routes.interactionCallback(interaction.id, interaction.token), { body: commandAck(outcome, message.text), auth: false })
      .catch((error: unknown) => this.logger.warn(`Discord slash command ${message.text} stored, but its interaction was not answered: ${String(error)}`));
  }

  private async store(data: GatewayMessageCreateDispatchData, client: Client): Promise<void> {
    const bot = this.identity;
    if (!bot) return;
    let message;
    try {
      message = mapDiscordMessage(data, {
        accountId: this.accountId,
        bot,
        threadParentOf: (channelId) => {
          const channel = client.channels.cache.get(channelId);
          return channel?.isThread() ? (channel.parentId ?? undefined) : undefined;
        },
      });
    } catch (error) {
      this.logger.warn(`Discord message ${String(data.id)} dropped, it cannot be read: ${String(error)}`);
      return;
    }
    if (message) await this.storeMessage(message);
  }

  /** The sink's outcome; undefined when the message was not stored (not receiving, or stopped while retrying). */
  private async storeMessage(message: InboundMessage): Promise<InboundOutcome | undefined> {
    const sink = this.sink;
    if (!sink) return undefined;
    const id = message.platformMessageId;
    return storeUntilStopped(sink, message, this.stopping.signal, (error, delay) =>
      this.logger.warn(`Discord message ${id} not stored, retrying in ${delay} ms: ${String(error)}`),
    ).catch((error: unknown) => {
      this.logger.error(`Discord message ${id} was not stored and Discord will not send it again: ${String(error)}`);
      return undefined;
    });
  }
}

function restOptions(options: DiscordAdapterOptions): Partial<RESTOptions> {
  return {
    api: (options.apiRoot ?? DEFAULT_API_ROOT).replace(/\/+$/, ''),
    // A 5xx is the queue's to retry, with its backoff: REST would retry at once, three times.
    retries: 0,
    rejectOnRateLimit: rejectLongRateLimit,
  };
}

/** Where to post: a thread is a channel of its own on Discord. */
function channelOf(target: ChatTarget): string {
  return target.threadId ?? target.chatId;
}

async function rawFileOf(attachment: OutboundAttachment): Promise<RawFile> {
  if (attachment.data) return { name: attachment.fileName, data: attachment.data, contentType: attachment.mimeType };
  // Discord takes uploads only: the file is fetched here.
  if (attachment.url) return { name: attachment.fileName, data: await downloadWithin(attachment.url, {}, UPLOAD_LIMIT), contentType: attachment.mimeType };
  throw new DomainError(ErrorCode.INVALID_INPUT, `Attachment ${attachment.fileName} has neither data nor a url`);
}

function gatewayClosed(code: number): DomainError {
  const name = GatewayCloseCodes[code] ?? 'closed';
  const hint =
    code === GatewayCloseCodes.DisallowedIntents
      ? ': turn on the Message Content intent (developer portal → Bot → Privileged Gateway Intents)'
      : code === GatewayCloseCodes.AuthenticationFailed
        ? ': the bot token was refused'
        : '';
  const errorCode = code === GatewayCloseCodes.AuthenticationFailed ? ErrorCode.AUTH_FAILED : ErrorCode.PERMANENT;
  return new DomainError(errorCode, `Discord gateway closed the connection with ${code} ${name}${hint}`);
}
