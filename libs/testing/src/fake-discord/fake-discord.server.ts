import type { GatewayInteractionCreateDispatchData, GatewayMessageCreateDispatchData } from 'discord.js';
import { FakePlatformServer, type FakePlatformCall, type FakePlatformReply, type FakeUploadedFile } from '../fake-platform/fake-platform.server';
import { FakeDiscordGateway } from './fake-discord.gateway';
import {
  apiUser,
  commandInteraction,
  messageCreate,
  nextSnowflake,
  type FakeDiscordCommandSpec,
  type FakeDiscordFile,
  type FakeDiscordMessageSpec,
  type FakeDiscordUser,
} from './fake-discord.payloads';

export const FAKE_DISCORD_TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDAx.GfAkEt.fake-discord-bot-token-0123456789';
export const FAKE_DISCORD_BOT: FakeDiscordUser = { id: '1000000000000000001', username: 'switchboard', bot: true };

/** A guild the bot is in, sent in GUILD_CREATE: its text channels and active threads. */
export interface FakeDiscordGuild {
  id: string;
  name: string;
  channels: { id: string; name: string }[];
  threads?: { id: string; name: string; parentId: string }[];
}

/** A message the bot sent, as users see it now. */
export interface FakeDiscordBotMessage {
  id: string;
  channelId: string;
  content: string;
  /** Every text it showed, first to last (edits included). */
  history: string[];
  replyTo?: string;
  files: { fileName: string; data: Buffer }[];
  /** allowed_mentions as sent. */
  allowedMentions?: unknown;
}

/** A slash command as the bot registered it (PUT .../commands). */
export interface FakeDiscordCommand {
  name: string;
  description: string;
  options: { type: number; name: string; description: string; required?: boolean }[];
}

/** How the bot answered an interaction (POST /interactions/{id}/{token}/callback). */
export interface FakeDiscordInteractionResponse {
  /** 4: a message, 5: deferred ("is thinking..."). */
  type: number;
  content: string;
  /** Only the invoking user sees it (flag 64). */
  ephemeral: boolean;
}

const API = '/api/v10';
const TEXT_LIMIT = 2000;
// Discord's limits on application commands.
const MAX_COMMANDS = 100;
const COMMAND_NAME = /^[-_\p{L}\p{N}]{1,32}$/u;
const MAX_DESCRIPTION = 100;
const EPHEMERAL = 64;

/**
 * Discord on 127.0.0.1, enough of it for discord.js: REST under /api/v10 (GET /gateway/bot,
 * users/@me, applications/@me, messages created and edited, typing, slash commands registered
 * globally or per guild, interaction callbacks), a CDN for attachments, and the Gateway WebSocket
 * (FakeDiscordGateway). Point the client at `${url}/api`.
 */
export class FakeDiscordServer extends FakePlatformServer {
  readonly gateway: FakeDiscordGateway;
  private readonly messages: FakeDiscordBotMessage[] = [];
  private readonly files = new Map<string, Buffer>();
  private failingSends: { reply: FakePlatformReply; remaining: number } | undefined;
  /** Registered commands by scope: `global` or a guild id. */
  private readonly commands = new Map<string, FakeDiscordCommand[]>();
  private readonly interactions = new Map<string, { token: string; response?: FakeDiscordInteractionResponse }>();

  constructor(readonly options: { token?: string; guilds?: FakeDiscordGuild[] } = {}) {
    super();
    this.gateway = new FakeDiscordGateway({
      token: this.token,
      ready: () => ({ user: apiUser(FAKE_DISCORD_BOT), application: { id: FAKE_DISCORD_BOT.id, flags: 0 } }),
      guilds: () => (options.guilds ?? []).map(guildCreate),
    });
    this.route('GET', `${API}/gateway/bot`, (call) => this.authed(call, () => this.gatewayBot()));
    // discord.js asks for users/%40me (Routes.user encodes the @).
    for (const me of ['@me', '%40me']) this.route('GET', `${API}/users/${me}`, (call) => this.authed(call, () => ({ body: apiUser(FAKE_DISCORD_BOT) })));
    for (const me of ['@me', '%40me']) this.route('GET', `${API}/applications/${me}`, (call) => this.authed(call, () => ({ body: this.application() })));
    this.route('PUT', `${API}/applications/:app/commands`, (call) => this.authed(call, () => this.registerCommands(call, 'global')));
    this.route('PUT', `${API}/applications/:app/guilds/:guild/commands`, (call) => this.authed(call, () => this.registerCommands(call, call.params.guild)));
    // The interaction's token authorizes the callback: no bot token is sent.
    this.route('POST', `${API}/interactions/:id/:token/callback`, (call) => this.interactionCallback(call));
    this.route('POST', `${API}/channels/:channel/messages`, (call) => this.authed(call, () => this.create(call)));
    this.route('PATCH', `${API}/channels/:channel/messages/:id`, (call) => this.authed(call, () => this.edit(call)));
    // Discord answers 204 with no body and no content type.
    this.route('POST', `${API}/channels/:channel/typing`, (call) => this.authed(call, () => ({ status: 204 })));
    this.route('GET', '/attachments/:id/:name', (call) => this.attachment(call));
  }

  override async start(): Promise<void> {
    await super.start();
    await this.gateway.start();
  }

  override async stop(): Promise<void> {
    await this.gateway.stop();
    await super.stop();
  }

  get token(): string {
    return this.options.token ?? FAKE_DISCORD_TOKEN;
  }

  /** The REST base the client is given (`rest.api`). */
  get apiRoot(): string {
    return `${this.url}/api`;
  }

  /** A user's message, as MESSAGE_CREATE carries it; its files are served from the fake's CDN. */
  userMessage(spec: FakeDiscordMessageSpec): GatewayMessageCreateDispatchData {
    return messageCreate(spec, (file, id) => this.storeFile(file, id));
  }

  /** Dispatches MESSAGE_CREATE; resolves once a client's heartbeat showed it received it. */
  dispatchMessage(message: GatewayMessageCreateDispatchData): Promise<void> {
    return this.gateway.dispatch('MESSAGE_CREATE', message);
  }

  /**
   * Dispatches INTERACTION_CREATE for a slash command; resolves with it once a client's heartbeat
   * showed it received it. Its callback is recorded (interactionResponse).
   */
  async dispatchCommand(spec: FakeDiscordCommandSpec): Promise<GatewayInteractionCreateDispatchData> {
    const interaction = commandInteraction(spec, FAKE_DISCORD_BOT.id);
    this.interactions.set(interaction.id, { token: interaction.token });
    await this.gateway.dispatch('INTERACTION_CREATE', interaction);
    return interaction;
  }

  /** How the bot answered an interaction; undefined until it did. */
  interactionResponse(id: string): FakeDiscordInteractionResponse | undefined {
    return this.interactions.get(id)?.response;
  }

  /** The commands last registered globally, or in a guild; undefined when none were. */
  registeredCommands(guildId?: string): FakeDiscordCommand[] | undefined {
    return this.commands.get(guildId ?? 'global');
  }

  /** A bot message as a MESSAGE_CREATE payload, for a user's message that replies to it. */
  botMessagePayload(id: string, guildId?: string): GatewayMessageCreateDispatchData {
    const sent = this.messages.find((message) => message.id === id);
    if (!sent) throw new Error(`FakeDiscordServer: no bot message ${id}`);
    return { ...messageCreate({ from: FAKE_DISCORD_BOT, channelId: sent.channelId, guildId, content: sent.content }, () => ''), id };
  }

  /** What the bot sent to a channel, oldest first. */
  messagesIn(channelId: string): FakeDiscordBotMessage[] {
    return this.messages.filter((message) => message.channelId === channelId);
  }

  /** The next `times` new messages (not edits) get `reply` instead. */
  failNextSends(reply: FakePlatformReply, times = 1): void {
    this.failingSends = { reply, remaining: times };
  }

  /** The next `times` new messages are refused with 429 and Retry-After, as a per-route bucket does. */
  rateLimitNextSends(retryAfterSeconds: number, times = 1): void {
    this.failNextSends(
      {
        status: 429,
        headers: {
          'content-type': 'application/json',
          'retry-after': String(retryAfterSeconds),
          'x-ratelimit-scope': 'user',
        },
        body: JSON.stringify({ message: 'You are being rate limited.', retry_after: retryAfterSeconds, global: false }),
      },
      times,
    );
  }

  protected override unmatched(call: FakePlatformCall): FakePlatformReply {
    return { status: 404, body: { message: `404: Not Found (FakeDiscordServer has no route for ${call.method} ${call.path})`, code: 0 } };
  }

  private authed(call: FakePlatformCall, answer: () => FakePlatformReply): FakePlatformReply {
    if (call.headers.authorization !== `Bot ${this.token}`) return { status: 401, body: { message: '401: Unauthorized', code: 0 } };
    return answer();
  }

  private gatewayBot(): FakePlatformReply {
    return { body: { url: this.gateway.url, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } } };
  }

  private application(): unknown {
    return { id: FAKE_DISCORD_BOT.id, name: FAKE_DISCORD_BOT.username, description: '', bot_public: false, bot_require_code_grant: false, bot: apiUser(FAKE_DISCORD_BOT), flags: 0 };
  }

  /** A bulk overwrite: the list replaces what the scope had, checked as Discord checks it. */
  private registerCommands(call: FakePlatformCall, scope: string): FakePlatformReply {
    if (call.params.app !== FAKE_DISCORD_BOT.id) return { status: 403, body: { message: 'Missing Access', code: 50001 } };
    let body: unknown;
    try {
      body = JSON.parse(call.rawBody);
    } catch {
      return { status: 400, body: { message: '400: Bad Request', code: 0 } };
    }
    if (!Array.isArray(body)) return invalidForm('_errors', 'Must be an array');
    if (body.length > MAX_COMMANDS) return invalidForm('_errors', `Must be ${MAX_COMMANDS} or fewer in length.`);
    const commands: FakeDiscordCommand[] = [];
    for (const [index, entry] of (body as Record<string, unknown>[]).entries()) {
      const problem = commandProblem(entry);
      if (problem) return invalidForm(String(index), problem);
      if (commands.some((command) => command.name === entry.name)) return invalidForm(String(index), 'Application command names must be unique');
      commands.push({ name: entry.name as string, description: entry.description as string, options: (entry.options ?? []) as FakeDiscordCommand['options'] });
    }
    this.commands.set(scope, commands);
    return { body: commands.map((command) => ({ ...command, id: nextSnowflake(), application_id: FAKE_DISCORD_BOT.id, type: 1, version: nextSnowflake() })) };
  }

  private interactionCallback(call: FakePlatformCall): FakePlatformReply {
    const interaction = this.interactions.get(call.params.id);
    if (!interaction || interaction.token !== call.params.token) return { status: 404, body: { message: 'Unknown interaction', code: 10062 } };
    if (interaction.response) return { status: 400, body: { message: 'Interaction has already been acknowledged.', code: 40060 } };
    const { type, data } = call.body as { type?: unknown; data?: { content?: unknown; flags?: unknown } };
    if (type !== 4 && type !== 5) return invalidForm('type', 'Value must be one of (4, 5).');
    const content = typeof data?.content === 'string' ? data.content : '';
    if (type === 4 && content === '') return { status: 400, body: { message: 'Cannot send an empty message', code: 50006 } };
    if (content.length > TEXT_LIMIT) return invalidForm('data.content', `Must be ${TEXT_LIMIT} or fewer in length.`);
    interaction.response = { type, content, ephemeral: typeof data?.flags === 'number' && (data.flags & EPHEMERAL) !== 0 };
    return { status: 204 };
  }

  private create(call: FakePlatformCall): FakePlatformReply {
    const failing = this.failingSends;
    if (failing && failing.remaining > 0) {
      failing.remaining -= 1;
      return failing.reply;
    }
    const { body, files } = payloadOf(call);
    const content = typeof body.content === 'string' ? body.content : '';
    if (content.length > TEXT_LIMIT) return invalidForm('content', `Must be ${TEXT_LIMIT} or fewer in length.`);
    if (content === '' && files.length === 0) return { status: 400, body: { message: 'Cannot send an empty message', code: 50006 } };
    const reference = body.message_reference as { message_id?: string } | undefined;
    if (reference && !/^\d+$/.test(reference.message_id ?? '')) return invalidForm('message_reference.message_id', 'Value is not snowflake.');
    const message: FakeDiscordBotMessage = {
      id: nextSnowflake(),
      channelId: call.params.channel,
      content,
      history: [content],
      replyTo: reference?.message_id,
      files: files.map((file) => ({ fileName: file.filename, data: file.data })),
      allowedMentions: body.allowed_mentions,
    };
    this.messages.push(message);
    return { body: this.apiMessage(message) };
  }

  private edit(call: FakePlatformCall): FakePlatformReply {
    const message = this.messages.find((candidate) => candidate.id === call.params.id && candidate.channelId === call.params.channel);
    if (!message) return { status: 404, body: { message: 'Unknown Message', code: 10008 } };
    const content = call.body.content;
    if (typeof content !== 'string') return invalidForm('content', 'This field is required');
    if (content.length > TEXT_LIMIT) return invalidForm('content', `Must be ${TEXT_LIMIT} or fewer in length.`);
    message.content = content;
    message.history.push(content);
    return { body: this.apiMessage(message) };
  }

  private apiMessage(message: FakeDiscordBotMessage): GatewayMessageCreateDispatchData {
    return { ...messageCreate({ from: FAKE_DISCORD_BOT, channelId: message.channelId, content: message.content }, () => ''), id: message.id };
  }

  private storeFile(file: FakeDiscordFile, id: string): string {
    this.files.set(id, file.data);
    return `${this.url}/attachments/${id}/${encodeURIComponent(file.fileName)}`;
  }

  private attachment(call: FakePlatformCall): FakePlatformReply {
    const data = this.files.get(call.params.id);
    if (!data) return { status: 404, body: 'Not Found' };
    return { headers: { 'content-type': 'application/octet-stream', 'content-length': String(data.length) }, body: data };
  }
}

/** JSON body, or multipart with `payload_json` and `files[n]` parts (discord.js uploads so). */
function payloadOf(call: FakePlatformCall): { body: Record<string, unknown>; files: FakeUploadedFile[] } {
  const json = call.body.payload_json;
  if (typeof json !== 'string') return { body: call.body, files: [] };
  const files = Object.entries(call.body)
    .filter(([name]) => name.startsWith('files['))
    .map(([, value]) => value as FakeUploadedFile);
  return { body: JSON.parse(json) as Record<string, unknown>, files };
}

function commandProblem(entry: Record<string, unknown>): string | undefined {
  const named = (value: Record<string, unknown>) => typeof value.name === 'string' && COMMAND_NAME.test(value.name) && value.name === value.name.toLowerCase();
  const described = (value: Record<string, unknown>) => typeof value.description === 'string' && value.description.length >= 1 && value.description.length <= MAX_DESCRIPTION;
  if (!named(entry)) return 'Command name is invalid';
  if (!described(entry)) return `Description must be 1 to ${MAX_DESCRIPTION} characters`;
  if (entry.type !== undefined && entry.type !== 1) return 'Only chat input commands (type 1) are faked';
  const options = entry.options ?? [];
  if (!Array.isArray(options)) return 'Options must be an array';
  for (const option of options as Record<string, unknown>[]) {
    if (!named(option) || !described(option) || typeof option.type !== 'number') return 'Option is invalid';
  }
  return undefined;
}

function invalidForm(field: string, message: string): FakePlatformReply {
  return { status: 400, body: { message: 'Invalid Form Body', code: 50035, errors: { [field]: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message }] } } } };
}

function guildCreate(guild: FakeDiscordGuild): unknown {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    owner_id: '1',
    unavailable: false,
    member_count: 2,
    large: false,
    joined_at: new Date(0).toISOString(),
    features: [],
    roles: [],
    emojis: [],
    stickers: [],
    members: [],
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    channels: guild.channels.map((channel, position) => ({ id: channel.id, type: 0, name: channel.name, position, guild_id: guild.id, permission_overwrites: [] })),
    threads: (guild.threads ?? []).map((thread) => ({
      id: thread.id,
      type: 11,
      name: thread.name,
      guild_id: guild.id,
      parent_id: thread.parentId,
      owner_id: '1',
      thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: new Date().toISOString(), locked: false },
      message_count: 0,
      member_count: 1,
    })),
  };
}
