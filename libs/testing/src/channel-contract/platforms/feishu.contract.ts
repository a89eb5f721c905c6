import { randomUUID } from 'node:crypto';
import { FAKE_FEISHU_APP_ID, FAKE_FEISHU_APP_SECRET, FAKE_FEISHU_BOT, FakeFeishuServer } from '../../fake-feishu/fake-feishu.server';
import { feishuWebhookDelivery, type FeishuEnvelope, type FeishuWebhookDelivery } from '../../fake-feishu/fake-feishu.events';
import type {
  ContractChat,
  ContractDelivery,
  ContractMessage,
  ContractPlatform,
  ContractSendFailure,
  ContractUser,
} from '../contract-platform';

const VERIFICATION_TOKEN = 'contract-verification-token';
const ENCRYPT_KEY = 'contract-encrypt-key';
// An event pushed while the connection is down is acked once the adapter has reconnected.
const ACK_TIMEOUT_MS = 30_000;

/**
 * Feishu/Lark in one of its two receiving modes over FakeFeishuServer: `webhook` (encrypted,
 * signed POSTs to /webhooks/feishu) or `websocket` (events pushed over the long connection as
 * protobuf frames, acked by the SDK; dropping it closes the socket from the server side).
 */
export class FeishuContractPlatform implements ContractPlatform {
  readonly name: string;
  readonly platform = 'feishu';
  readonly features: ContractPlatform['features'];
  readonly textLimit: ContractPlatform['textLimit'];
  readonly allowed: ContractUser = { id: 'ou_alice000000000000000000000000001', name: 'Alice' };
  readonly stranger: ContractUser = { id: 'ou_mallory0000000000000000000000001', name: 'Mallory' };
  readonly group: ContractChat = { kind: 'group', id: 'oc_group00000000000000000000000001' };
  readonly deliverForged?: ContractPlatform['deliverForged'];
  readonly dropConnection?: ContractPlatform['dropConnection'];
  readonly connectionsOpened?: ContractPlatform['connectionsOpened'];

  private readonly feishu = new FakeFeishuServer();
  private readonly deliveries = new Map<string, { envelope: FeishuEnvelope; webhook?: FeishuWebhookDelivery }>();
  private gatewayUrl = '';

  constructor(
    private readonly mode: 'webhook' | 'websocket',
    private readonly streaming: 'edit' | 'cardkit' = 'edit',
  ) {
    this.name = streaming === 'edit' ? `feishu (${mode})` : `feishu (${mode}, ${streaming})`;
    this.textLimit = { max: streaming === 'edit' ? 75_000 : 25_000, unit: 'bytes' };
    this.features = {
      longConnection: mode === 'websocket',
      signedWebhook: mode === 'webhook',
      staleTimestamp: false,
      groups: true,
      attachmentsIn: true,
      attachmentsOut: true,
      streams: true,
    };
    if (mode === 'webhook') {
      this.deliverForged = (message, how) => this.forged(message, how);
    } else {
      this.dropConnection = async () => this.feishu.dropConnections();
      this.connectionsOpened = () => this.feishu.connectionsOpened;
    }
  }

  dmWith(user: ContractUser): ContractChat {
    return { kind: 'dm', id: `oc_dm${user.id.slice(3)}` };
  }

  start(): Promise<void> {
    return this.feishu.start();
  }

  stop(): Promise<void> {
    return this.feishu.stop();
  }

  gatewayEnv(): Record<string, string> {
    return {
      FEISHU_APP_ID: FAKE_FEISHU_APP_ID,
      FEISHU_APP_SECRET: FAKE_FEISHU_APP_SECRET,
      FEISHU_MODE: this.mode,
      FEISHU_DOMAIN: this.feishu.url,
      FEISHU_VERIFICATION_TOKEN: VERIFICATION_TOKEN,
      FEISHU_STREAMING: this.streaming,
      ...(this.mode === 'webhook' ? { FEISHU_ENCRYPT_KEY: ENCRYPT_KEY } : {}),
    };
  }

  attach(gatewayUrl: string): void {
    this.gatewayUrl = gatewayUrl;
  }

  async deliver(message: ContractMessage): Promise<ContractDelivery> {
    const envelope = this.envelopeFor(message);
    const id = randomUUID();
    if (this.mode === 'websocket') {
      this.deliveries.set(id, { envelope });
      await this.pushAndWait(envelope);
      return { id };
    }
    const webhook = feishuWebhookDelivery(envelope, { encryptKey: ENCRYPT_KEY });
    this.deliveries.set(id, { envelope, webhook });
    return { id, status: await this.post(webhook) };
  }

  async redeliver(delivery: ContractDelivery): Promise<ContractDelivery> {
    const stored = this.deliveries.get(delivery.id);
    if (!stored) throw new Error(`unknown delivery ${delivery.id}`);
    // Feishu pushes an event again as it was: same event_id, same message.
    if (!stored.webhook) {
      await this.pushAndWait(stored.envelope);
      return { id: delivery.id };
    }
    return { id: delivery.id, status: await this.post(stored.webhook) };
  }

  botTexts(chat: ContractChat): string[] {
    return this.feishu
      .messagesIn(chat.id)
      .filter((message) => message.msgType === 'text' || message.msgType === 'interactive')
      .map((message) => message.text);
  }

  botFiles(chat: ContractChat): { fileName: string; data: Buffer }[] {
    return this.feishu
      .messagesIn(chat.id)
      .filter((message) => message.data !== undefined)
      .map((message) => ({ fileName: message.fileName ?? '', data: message.data! }));
  }

  failSends(failure: ContractSendFailure, times: number): void {
    this.feishu.failNextSends(
      failure.kind === 'rate_limit'
        ? { status: 429, headers: { 'x-ogw-ratelimit-reset': String(failure.retryAfterSeconds) }, body: { code: 99991400, msg: 'request trigger frequency limit' } }
        : { status: 500, body: { code: 99991401, msg: 'internal error' } },
      times,
    );
  }

  sendAttempts(chat: ContractChat): { at: number; accepted: boolean }[] {
    return this.feishu
      .calls((call) => {
        if (call.route === '/open-apis/im/v1/messages') return call.method === 'POST' && call.body.receive_id === chat.id;
        return call.route === '/open-apis/im/v1/messages/:id/reply' && this.feishu.chatOf(call.params.id) === chat.id;
      })
      .map((call) => ({ at: call.receivedAt.getTime(), accepted: call.status === 200 }));
  }

  private envelopeFor(message: ContractMessage): FeishuEnvelope {
    const from = { openId: message.from.id, name: message.from.name };
    const chat = { chatId: message.chat.id, type: message.chat.kind === 'dm' ? ('p2p' as const) : ('group' as const) };
    const mention = message.mentionsBot ? [{ openId: FAKE_FEISHU_BOT.open_id, name: FAKE_FEISHU_BOT.app_name }] : [];
    const common = { from, chat, mention, appId: FAKE_FEISHU_APP_ID, token: VERIFICATION_TOKEN };
    const attachment = message.attachment;
    if (!attachment) return this.feishu.build.text({ ...common, text: message.text });
    // A picture with words is a rich-text post in Feishu; a file comes as a message of its own.
    if (attachment.mimeType.startsWith('image/')) return this.feishu.build.post({ ...common, text: message.text, image: attachment.data });
    return this.feishu.build.file({ ...common, kind: 'file', fileName: attachment.fileName, data: attachment.data });
  }

  private async pushAndWait(envelope: FeishuEnvelope): Promise<void> {
    const push = this.feishu.push(envelope);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`feishu: event ${push.id} not acked within ${ACK_TIMEOUT_MS} ms`)), ACK_TIMEOUT_MS);
    });
    await Promise.race([push.acked, timeout]).finally(() => clearTimeout(timer));
  }

  private async forged(message: ContractMessage, how: 'signature' | 'stale'): Promise<number> {
    if (how === 'stale') throw new Error('the Feishu contract checks no timestamp (Feishu redelivers events for hours)');
    return this.post(feishuWebhookDelivery(this.envelopeFor(message), { encryptKey: ENCRYPT_KEY, signWith: 'not-the-encrypt-key' }));
  }

  private async post(delivery: FeishuWebhookDelivery): Promise<number> {
    const response = await fetch(`${this.gatewayUrl}/webhooks/feishu`, { method: 'POST', headers: delivery.headers, body: delivery.body });
    await response.arrayBuffer();
    return response.status;
  }
}
