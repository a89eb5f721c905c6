import { FakeGenericWebhookServer, type FakeGenericDelivery, type FakeGenericMessage } from '../../fake-generic-webhook/fake-generic-webhook.server';
import type {
  ContractChat,
  ContractDelivery,
  ContractMessage,
  ContractPlatform,
  ContractSendFailure,
  ContractUser,
} from '../contract-platform';

/**
 * The generic signed webhook over FakeGenericWebhookServer: Standard Webhooks requests (stale
 * timestamps refused), replies POSTed whole to the callback URL, chats of type dm or group (a
 * group message is answered when it says mentionsBot), attachments by URL.
 */
export class GenericWebhookContractPlatform implements ContractPlatform {
  readonly name = 'generic webhook';
  readonly platform = 'generic';
  readonly features: ContractPlatform['features'] = {
    longConnection: false,
    signedWebhook: true,
    staleTimestamp: true,
    groups: true,
    attachmentsIn: true,
    attachmentsOut: false,
    streams: false,
    rateLimitRetryAfter: true,
  };
  readonly textLimit = { max: 16_000, unit: 'chars' } as const;
  readonly allowed: ContractUser = { id: 'crm-user-17', name: 'Ada Lovelace' };
  readonly stranger: ContractUser = { id: 'crm-user-99', name: 'Eve' };
  readonly group: ContractChat = { kind: 'group', id: 'ticket-4711' };

  private readonly system = new FakeGenericWebhookServer();
  private readonly deliveries = new Map<string, FakeGenericDelivery>();

  dmWith(user: ContractUser): ContractChat {
    return { kind: 'dm', id: `dm-${user.id}` };
  }

  start(): Promise<void> {
    return this.system.start();
  }

  stop(): Promise<void> {
    return this.system.stop();
  }

  gatewayEnv(): Record<string, string> {
    return {
      WEBHOOK_SECRET: this.system.secret,
      WEBHOOK_CALLBACK_URL: this.system.callbackUrl,
      WEBHOOK_ALLOWED_USERS: this.allowed.id,
      WEBHOOK_ALLOWED_GROUPS: this.group.id,
      WEBHOOK_DM_POLICY: 'pairing',
    };
  }

  attach(gatewayUrl: string): void {
    this.system.gatewayUrl = `${gatewayUrl}/webhooks/generic`;
  }

  async deliver(message: ContractMessage): Promise<ContractDelivery> {
    return this.recorded(await this.system.deliver(this.messageFor(message)));
  }

  async redeliver(delivery: ContractDelivery): Promise<ContractDelivery> {
    const earlier = this.deliveries.get(delivery.id);
    if (!earlier) throw new Error(`unknown delivery ${delivery.id}`);
    return this.recorded(await this.system.post(earlier));
  }

  async deliverForged(message: ContractMessage, how: 'signature' | 'stale'): Promise<number> {
    const options = how === 'signature' ? { secret: `whsec_${Buffer.from('not-the-shared-secret-at-all').toString('base64')}` } : { timestamp: Math.floor(Date.now() / 1000) - 10 * 60 };
    return (await this.system.deliver(this.messageFor(message), options)).status;
  }

  botTexts(chat: ContractChat): string[] {
    return this.system.repliesTo(chat.id).map((reply) => reply.text);
  }

  failSends(failure: ContractSendFailure, times: number): void {
    this.system.failCallbacksNext(
      failure.kind === 'rate_limit' ? { status: 429, headers: { 'retry-after': String(failure.retryAfterSeconds) }, body: { error: 'slow down' } } : { status: 500, body: { error: 'down' } },
      times,
    );
  }

  sendAttempts(chat: ContractChat): { at: number; accepted: boolean }[] {
    return this.system.sendAttempts(chat.id);
  }

  private messageFor(message: ContractMessage): FakeGenericMessage {
    const { attachment } = message;
    return {
      chat: { id: message.chat.id, type: message.chat.kind },
      sender: { id: message.from.id, name: message.from.name },
      text: message.text,
      mentionsBot: message.chat.kind === 'group' ? (message.mentionsBot ?? false) : undefined,
      attachments: attachment ? [{ url: this.system.addFile(attachment.data, attachment.mimeType), mimeType: attachment.mimeType, fileName: attachment.fileName }] : undefined,
    };
  }

  private recorded(delivery: FakeGenericDelivery): ContractDelivery {
    this.deliveries.set(delivery.id, delivery);
    return { id: delivery.id, status: delivery.status };
  }
}
