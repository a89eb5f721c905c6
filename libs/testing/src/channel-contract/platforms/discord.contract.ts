import type { GatewayMessageCreateDispatchData } from 'discord.js';
import type { FakeDiscordUser } from '../../fake-discord/fake-discord.payloads';
import { FAKE_DISCORD_BOT, FakeDiscordServer } from '../../fake-discord/fake-discord.server';
import type {
  ContractChat,
  ContractDelivery,
  ContractMessage,
  ContractPlatform,
  ContractSendFailure,
  ContractUser,
} from '../contract-platform';

const GUILD = '300000000000000000';
// A dispatch sent while the connection is down is received once discord.js has resumed.
const RECEIVED_TIMEOUT_MS = 30_000;

/**
 * Discord over FakeDiscordServer: messages are MESSAGE_CREATE dispatches on the Gateway
 * WebSocket, "acked" once the client's heartbeat reports their sequence number (Discord has no
 * acks). Dropping the connection cuts it without a close frame; discord.js resumes the session
 * and the fake replays what was dispatched meanwhile. A redelivery dispatches the same message
 * again (same id), as a replay after RESUME can.
 */
export class DiscordContractPlatform implements ContractPlatform {
  readonly name = 'discord (gateway)';
  readonly platform = 'discord';
  readonly features: ContractPlatform['features'] = {
    longConnection: true,
    signedWebhook: false,
    staleTimestamp: false,
    groups: true,
    attachmentsIn: true,
    attachmentsOut: true,
    streams: true,
  };
  readonly textLimit = { max: 2000, unit: 'chars' } as const;
  readonly allowed: ContractUser = { id: '200000000000000001', name: 'Alice' };
  readonly stranger: ContractUser = { id: '666000000000000001', name: 'Mallory' };
  readonly group: ContractChat = { kind: 'group', id: '300000000000000001' };

  private readonly discord = new FakeDiscordServer({ guilds: [{ id: GUILD, name: 'Contract', channels: [{ id: this.group.id, name: 'general' }] }] });
  private readonly deliveries = new Map<string, GatewayMessageCreateDispatchData>();

  dmWith(user: ContractUser): ContractChat {
    // A DM channel id of its own per user (Discord's differ from the user's id).
    return { kind: 'dm', id: `4${user.id.slice(1)}` };
  }

  start(): Promise<void> {
    return this.discord.start();
  }

  stop(): Promise<void> {
    return this.discord.stop();
  }

  gatewayEnv(): Record<string, string> {
    return { DISCORD_BOT_TOKEN: this.discord.token, DISCORD_API_ROOT: this.discord.apiRoot };
  }

  attach(): void {
    // Nothing to post to: every delivery goes over the connection the gateway opened.
  }

  async deliver(message: ContractMessage): Promise<ContractDelivery> {
    const payload = this.payloadFor(message);
    this.deliveries.set(payload.id, payload);
    await this.dispatch(payload);
    return { id: payload.id };
  }

  async redeliver(delivery: ContractDelivery): Promise<ContractDelivery> {
    const payload = this.deliveries.get(delivery.id);
    if (!payload) throw new Error(`unknown delivery ${delivery.id}`);
    await this.dispatch(payload);
    return { id: delivery.id };
  }

  /** A slash command; resolves once the gateway answered its interaction. */
  async deliverCommand(from: ContractUser, chat: ContractChat, name: string, args: string): Promise<void> {
    await this.discord.gateway.waitForSession(RECEIVED_TIMEOUT_MS);
    const interaction = await this.discord.dispatchCommand({
      from: this.userOf(from),
      channelId: chat.id,
      guildId: chat.kind === 'group' ? GUILD : undefined,
      name,
      ...(args ? { args } : {}),
    });
    const started = Date.now();
    while (!this.discord.interactionResponse(interaction.id)) {
      if (Date.now() - started > RECEIVED_TIMEOUT_MS) throw new Error(`discord: interaction ${interaction.id} not answered within ${RECEIVED_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  commandMenu(): string[] {
    return (this.discord.registeredCommands() ?? []).map((command) => command.name);
  }

  botTexts(chat: ContractChat): string[] {
    return this.discord
      .messagesIn(chat.id)
      .filter((message) => message.content !== '')
      .map((message) => message.content);
  }

  botFiles(chat: ContractChat): { fileName: string; data: Buffer }[] {
    return this.discord.messagesIn(chat.id).flatMap((message) => message.files);
  }

  failSends(failure: ContractSendFailure, times: number): void {
    if (failure.kind === 'rate_limit') this.discord.rateLimitNextSends(failure.retryAfterSeconds, times);
    else this.discord.failNextSends({ status: 500, body: { message: '500: Internal Server Error', code: 0 } }, times);
  }

  sendAttempts(chat: ContractChat): { at: number; accepted: boolean }[] {
    return this.discord
      .calls((call) => call.method === 'POST' && call.route === '/api/v10/channels/:channel/messages' && call.params.channel === chat.id)
      .map((call) => ({ at: call.receivedAt.getTime(), accepted: call.status === 200 }));
  }

  async dropConnection(): Promise<void> {
    this.discord.gateway.drop();
  }

  connectionsOpened(): number {
    return this.discord.gateway.connectionsOpened;
  }

  private payloadFor(message: ContractMessage): GatewayMessageCreateDispatchData {
    const from = this.userOf(message.from);
    const inGroup = message.chat.kind === 'group';
    const content = inGroup && message.mentionsBot ? `<@${FAKE_DISCORD_BOT.id}> ${message.text}` : message.text;
    const attachment = message.attachment;
    return this.discord.userMessage({
      from,
      channelId: message.chat.id,
      guildId: inGroup ? GUILD : undefined,
      content,
      mentions: inGroup && message.mentionsBot ? [FAKE_DISCORD_BOT] : [],
      files: attachment ? [{ fileName: attachment.fileName, contentType: attachment.mimeType, data: attachment.data }] : [],
    });
  }

  private userOf(user: ContractUser): FakeDiscordUser {
    return { id: user.id, username: user.name.toLowerCase(), globalName: user.name };
  }

  private async dispatch(payload: GatewayMessageCreateDispatchData): Promise<void> {
    // The gateway may still be logging in when the first message comes.
    await this.discord.gateway.waitForSession(RECEIVED_TIMEOUT_MS);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`discord: message ${payload.id} not received within ${RECEIVED_TIMEOUT_MS} ms`)), RECEIVED_TIMEOUT_MS);
    });
    await Promise.race([this.discord.dispatchMessage(payload), timeout]).finally(() => clearTimeout(timer));
  }
}
