import { randomUUID } from 'node:crypto';
import {
  FAKE_SLACK_APP_TOKEN,
  FAKE_SLACK_BOT,
  FAKE_SLACK_BOT_TOKEN,
  FAKE_SLACK_SIGNING_SECRET,
  FakeSlackServer,
  type FakeSlackPush,
} from '../../fake-slack/fake-slack.server';
import { signedSlackRequest, type SlackEventCallbackBody } from '../../fake-slack/fake-slack.events';
import type {
  ContractChat,
  ContractDelivery,
  ContractMessage,
  ContractPlatform,
  ContractSendFailure,
  ContractUser,
} from '../contract-platform';

// An envelope pushed while the connection is down is acked once the adapter has reconnected.
const ACK_TIMEOUT_MS = 30_000;
// Slack refuses a request more than five minutes old; the forgery is ten minutes old.
const STALE_BY_S = 600;

/**
 * Slack in one of its two receiving modes over FakeSlackServer: `http` (signed Events API POSTs
 * to /webhooks/slack, redeliveries carrying X-Slack-Retry-Num) or `socket` (Socket Mode
 * envelopes, acked by envelope_id; dropping the connection terminates it from the server side).
 */
export class SlackContractPlatform implements ContractPlatform {
  readonly name: string;
  readonly platform = 'slack';
  readonly features: ContractPlatform['features'];
  readonly textLimit = { max: 40_000, unit: 'chars' } as const;
  readonly allowed: ContractUser = { id: 'U0ALICE001', name: 'Alice' };
  readonly stranger: ContractUser = { id: 'U0MALLORY1', name: 'Mallory' };
  readonly group: ContractChat = { kind: 'group', id: 'C0GENERAL1' };
  readonly deliverForged?: ContractPlatform['deliverForged'];
  readonly dropConnection?: ContractPlatform['dropConnection'];
  readonly connectionsOpened?: ContractPlatform['connectionsOpened'];

  private readonly slack = new FakeSlackServer();
  private readonly deliveries = new Map<string, { body: SlackEventCallbackBody; attempts: number }>();
  private gatewayUrl = '';

  constructor(private readonly mode: 'http' | 'socket') {
    this.name = `slack (${mode})`;
    this.features = {
      longConnection: mode === 'socket',
      signedWebhook: mode === 'http',
      staleTimestamp: mode === 'http',
      groups: true,
      attachmentsIn: true,
      attachmentsOut: true,
      streams: true,
    };
    if (mode === 'http') {
      this.deliverForged = (message, how) => this.forged(message, how);
    } else {
      this.dropConnection = async () => this.slack.dropConnections();
      this.connectionsOpened = () => this.slack.connectionsOpened;
    }
  }

  dmWith(user: ContractUser): ContractChat {
    return { kind: 'dm', id: `D${user.id.slice(1)}` };
  }

  start(): Promise<void> {
    return this.slack.start();
  }

  stop(): Promise<void> {
    return this.slack.stop();
  }

  gatewayEnv(): Record<string, string> {
    return {
      SLACK_BOT_TOKEN: FAKE_SLACK_BOT_TOKEN,
      SLACK_MODE: this.mode,
      SLACK_API_URL: this.slack.apiUrl,
      ...(this.mode === 'http' ? { SLACK_SIGNING_SECRET: FAKE_SLACK_SIGNING_SECRET } : { SLACK_APP_TOKEN: FAKE_SLACK_APP_TOKEN }),
    };
  }

  attach(gatewayUrl: string): void {
    this.gatewayUrl = gatewayUrl;
  }

  async deliver(message: ContractMessage): Promise<ContractDelivery> {
    const body = this.eventFor(message);
    const id = body.event_id;
    this.deliveries.set(id, { body, attempts: 0 });
    return this.send(id);
  }

  async redeliver(delivery: ContractDelivery): Promise<ContractDelivery> {
    // Slack sends an event again as it was: same event_id, same message ts.
    return this.send(delivery.id);
  }

  /** `/switchboard <name> <args>`, the app's umbrella slash command; resolves once the gateway acknowledged it. */
  async deliverCommand(from: ContractUser, chat: ContractChat, name: string, args: string): Promise<void> {
    const fields = {
      command: '/switchboard',
      text: args ? `${name} ${args}` : name,
      user_id: from.id,
      channel_id: chat.id,
      channel_name: chat.kind === 'dm' ? 'directmessage' : 'general',
      trigger_id: `${Date.now()}.${randomUUID()}`,
    };
    if (this.mode === 'socket') return this.waitForAck(this.slack.pushSlashCommand(fields));
    const status = await this.post(signedSlackRequest(new URLSearchParams(fields).toString(), FAKE_SLACK_SIGNING_SECRET, { contentType: 'application/x-www-form-urlencoded' }));
    if (status !== 200) throw new Error(`slack: the gateway answered a slash command with ${status}`);
  }

  botTexts(chat: ContractChat): string[] {
    return this.slack
      .messagesIn(chat.id)
      .filter((message) => message.text !== '')
      .map((message) => message.text);
  }

  botFiles(chat: ContractChat): { fileName: string; data: Buffer }[] {
    return this.slack.messagesIn(chat.id).flatMap((message) => message.files.map((file) => ({ fileName: file.name, data: file.data })));
  }

  failSends(failure: ContractSendFailure, times: number): void {
    this.slack.failNextSends(
      failure.kind === 'rate_limit'
        ? { status: 429, headers: { 'retry-after': String(failure.retryAfterSeconds) }, body: { ok: false, error: 'ratelimited' } }
        : { status: 500, body: 'Internal Server Error' },
      times,
    );
  }

  sendAttempts(chat: ContractChat): { at: number; accepted: boolean }[] {
    return this.slack
      .calls((call) => call.route === '/api/chat.postMessage' && call.body.channel === chat.id)
      .map((call) => ({ at: call.receivedAt.getTime(), accepted: call.status === 200 }));
  }

  private eventFor(message: ContractMessage): SlackEventCallbackBody {
    const dm = message.chat.kind === 'dm';
    const text = message.mentionsBot ? `<@${FAKE_SLACK_BOT.userId}> ${message.text}` : message.text;
    const files = message.attachment ? [this.slack.addFile(message.attachment.fileName, message.attachment.mimeType, message.attachment.data)] : undefined;
    return this.slack.build.message({ user: message.from.id, channel: message.chat.id, channelType: dm ? 'im' : 'channel', text, files });
  }

  private async send(id: string): Promise<ContractDelivery> {
    const delivery = this.deliveries.get(id);
    if (!delivery) throw new Error(`unknown delivery ${id}`);
    const retryNum = delivery.attempts > 0 ? delivery.attempts : undefined;
    delivery.attempts += 1;
    if (this.mode === 'http') return { id, status: await this.post(signedSlackRequest(JSON.stringify(delivery.body), FAKE_SLACK_SIGNING_SECRET, { retryNum })) };
    await this.waitForAck(this.slack.push(delivery.body));
    return { id };
  }

  private async waitForAck(push: FakeSlackPush): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`slack: envelope ${push.envelopeId} not acked within ${ACK_TIMEOUT_MS} ms`)), ACK_TIMEOUT_MS);
    });
    await Promise.race([push.acked, timeout]).finally(() => clearTimeout(timer));
  }

  private async forged(message: ContractMessage, how: 'signature' | 'stale'): Promise<number> {
    const body = JSON.stringify(this.eventFor(message));
    if (how === 'stale') return this.post(signedSlackRequest(body, FAKE_SLACK_SIGNING_SECRET, { timestampS: Math.floor(Date.now() / 1000) - STALE_BY_S }));
    return this.post(signedSlackRequest(body, 'ffffffffffffffffffffffffffffffff'));
  }

  private async post(request: { body: string; headers: Record<string, string> }): Promise<number> {
    const response = await fetch(`${this.gatewayUrl}/webhooks/slack`, { method: 'POST', headers: request.headers, body: request.body });
    await response.arrayBuffer();
    return response.status;
  }
}
