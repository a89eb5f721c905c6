import { FakeDingTalk, type FakeDingTalkFrame, type FakeDingTalkMessageSpec } from '../../fake-dingtalk/fake-dingtalk.server';
import type {
  ContractChat,
  ContractDelivery,
  ContractMessage,
  ContractPlatform,
  ContractSendFailure,
  ContractUser,
} from '../contract-platform';

// Acked once the gateway stored the message; after a dropped connection that waits for the
// supervisor's reconnect (1 s backoff, a new ticket, a new socket).
const ACK_TIMEOUT_MS = 20_000;
const CARD_TEMPLATE_ID = 'contract-card-template.schema';

type Delivery = { kind: 'frame'; frame: FakeDingTalkFrame } | { kind: 'callback'; body: string; headers: Record<string, string> };

/**
 * DingTalk over FakeDingTalk in one of its two receiving modes: Stream mode (a long connection:
 * frames acked over the socket, unacked ones pushed again on the next connection) with replies sent
 * whole, and the HTTP callback (signed with timestamp + HMAC, stale ones refused) with replies
 * streamed into an AI card, so both ways of replying run through the suite.
 */
export class DingTalkContractPlatform implements ContractPlatform {
  readonly name: string;
  readonly platform = 'dingtalk';
  readonly features: ContractPlatform['features'];
  readonly textLimit = { max: 5_000, unit: 'chars' } as const;
  readonly allowed: ContractUser = { id: 'manager4220', name: 'Li Wei' };
  readonly stranger: ContractUser = { id: 'outsider7', name: 'Wang Fang' };
  readonly group: ContractChat = { kind: 'group', id: 'cidRvJ9Tcn4MZ3qLPy5kDhAEw==' };
  readonly deliverForged?: ContractPlatform['deliverForged'];
  readonly dropConnection?: ContractPlatform['dropConnection'];
  readonly connectionsOpened?: ContractPlatform['connectionsOpened'];

  private readonly dingtalk = new FakeDingTalk();
  private readonly deliveries = new Map<string, Delivery>();
  private gatewayUrl = '';
  private lastFile = 0;

  constructor(private readonly mode: 'stream' | 'webhook') {
    this.name = `dingtalk (${mode})`;
    this.features = {
      longConnection: mode === 'stream',
      signedWebhook: mode === 'webhook',
      staleTimestamp: mode === 'webhook',
      groups: true,
      attachmentsIn: true,
      attachmentsOut: true,
      streams: mode === 'webhook',
    };
    if (mode === 'webhook') {
      this.deliverForged = (message, how) => this.forged(message, how);
    } else {
      this.dropConnection = async () => this.dingtalk.dropConnections();
      this.connectionsOpened = () => this.dingtalk.connectionsOpened;
    }
  }

  dmWith(user: ContractUser): ContractChat {
    return { kind: 'dm', id: user.id };
  }

  start(): Promise<void> {
    return this.dingtalk.start();
  }

  stop(): Promise<void> {
    return this.dingtalk.stop();
  }

  gatewayEnv(): Record<string, string> {
    return {
      DINGTALK_CLIENT_ID: this.dingtalk.clientId,
      DINGTALK_CLIENT_SECRET: this.dingtalk.clientSecret,
      DINGTALK_API_ROOT: this.dingtalk.url,
      DINGTALK_OAPI_ROOT: this.dingtalk.url,
      DINGTALK_MODE: this.mode,
      ...(this.mode === 'webhook' ? { DINGTALK_CARD_TEMPLATE_ID: CARD_TEMPLATE_ID } : {}),
    };
  }

  attach(gatewayUrl: string): void {
    this.gatewayUrl = gatewayUrl;
  }

  async deliver(message: ContractMessage): Promise<ContractDelivery> {
    const spec = this.specFor(message);
    if (this.mode === 'stream') return this.push({ kind: 'frame', frame: this.dingtalk.push(spec) });
    const { body, headers, msgId } = this.dingtalk.callback(spec);
    const delivery: Delivery = { kind: 'callback', body, headers };
    this.deliveries.set(msgId, delivery);
    return { id: msgId, status: await this.post(body, headers) };
  }

  async redeliver(delivery: ContractDelivery): Promise<ContractDelivery> {
    const earlier = this.deliveries.get(delivery.id);
    if (!earlier) throw new Error(`unknown delivery ${delivery.id}`);
    if (earlier.kind === 'callback') return { id: delivery.id, status: await this.post(earlier.body, earlier.headers) };
    // The same frame again, as DingTalk pushes one whose ack it did not get.
    this.dingtalk.pushAgain(earlier.frame);
    return this.push(earlier);
  }

  botTexts(chat: ContractChat): string[] {
    return this.dingtalk.messagesIn(chat.id).flatMap((message) => (message.file ? [] : [message.text]));
  }

  botFiles(chat: ContractChat): { fileName: string; data: Buffer }[] {
    return this.dingtalk.messagesIn(chat.id).flatMap(({ file }) => (file ? [file] : []));
  }

  failSends(failure: ContractSendFailure, times: number): void {
    this.dingtalk.failSends(failure, times);
  }

  sendAttempts(chat: ContractChat): { at: number; accepted: boolean }[] {
    return this.dingtalk.sendAttempts(chat.id);
  }

  private async push(delivery: Extract<Delivery, { kind: 'frame' }>): Promise<ContractDelivery> {
    this.deliveries.set(delivery.frame.msgId, delivery);
    await this.dingtalk.waitForAck(delivery.frame, ACK_TIMEOUT_MS);
    return { id: delivery.frame.msgId };
  }

  private specFor(message: ContractMessage): FakeDingTalkMessageSpec {
    const spec: FakeDingTalkMessageSpec = {
      from: { staffId: message.from.id, nick: message.from.name },
      group: message.chat.kind === 'group' ? message.chat.id : undefined,
      text: message.text,
      mentionsBot: message.mentionsBot ?? false,
    };
    if (message.attachment) {
      const downloadCode = `contract-file-${(this.lastFile += 1)}`;
      this.dingtalk.addFile(downloadCode, message.attachment.data);
      if (message.attachment.mimeType.startsWith('image/')) spec.picture = { downloadCode };
      else spec.file = { downloadCode, fileName: message.attachment.fileName };
    }
    return spec;
  }

  private async forged(message: ContractMessage, how: 'signature' | 'stale'): Promise<number> {
    const spec = this.specFor(message);
    const { body, headers } =
      how === 'signature'
        ? this.dingtalk.callback(spec, { secret: 'not-the-app-secret' })
        : this.dingtalk.callback(spec, { timestamp: Date.now() - 2 * 60 * 60_000 });
    return this.post(body, headers);
  }

  private async post(body: string, headers: Record<string, string>): Promise<number> {
    const response = await fetch(`${this.gatewayUrl}/webhooks/dingtalk`, { method: 'POST', headers, body });
    await response.arrayBuffer();
    return response.status;
  }
}
