import { FakeWhatsAppServer, type FakeWhatsAppDelivery } from '../../fake-whatsapp/fake-whatsapp.server';
import type {
  ContractChat,
  ContractDelivery,
  ContractMessage,
  ContractPlatform,
  ContractSendFailure,
  ContractUser,
} from '../contract-platform';

/**
 * WhatsApp Cloud API over FakeWhatsAppServer: signed webhook notifications (X-Hub-Signature-256,
 * no timestamp), replies sent whole (no edits) in texts of up to 4096 characters, direct chats only.
 */
export class WhatsAppContractPlatform implements ContractPlatform {
  readonly name = 'whatsapp (cloud api)';
  readonly platform = 'whatsapp';
  readonly features: ContractPlatform['features'] = {
    longConnection: false,
    signedWebhook: true,
    // The signature covers the body only; redeliveries are deduplicated by message id instead.
    staleTimestamp: false,
    // The Cloud API has no group chats.
    groups: false,
    attachmentsIn: true,
    attachmentsOut: false,
    streams: false,
    // Meta's limit errors (130429, 131056, ...) name no delay: the adapter waits a fixed time per code.
    rateLimitRetryAfter: false,
  };
  readonly textLimit = { max: 4096, unit: 'chars' } as const;
  readonly allowed: ContractUser = { id: '4915112345678', name: 'Jana Müller' };
  readonly stranger: ContractUser = { id: '5511987654321', name: 'João Silva' };
  // Unused (features.groups is false); the suite's allowlist setting needs an id.
  readonly group: ContractChat = { kind: 'group', id: 'no-groups-on-whatsapp' };

  private readonly whatsapp = new FakeWhatsAppServer();
  private readonly deliveries = new Map<string, FakeWhatsAppDelivery>();

  dmWith(user: ContractUser): ContractChat {
    return { kind: 'dm', id: user.id };
  }

  start(): Promise<void> {
    return this.whatsapp.start();
  }

  stop(): Promise<void> {
    return this.whatsapp.stop();
  }

  gatewayEnv(): Record<string, string> {
    const { accessToken, phoneNumberId, appSecret, verifyToken } = this.whatsapp.app;
    return {
      WHATSAPP_ACCESS_TOKEN: accessToken,
      WHATSAPP_PHONE_NUMBER_ID: phoneNumberId,
      WHATSAPP_APP_SECRET: appSecret,
      WHATSAPP_VERIFY_TOKEN: verifyToken,
      WHATSAPP_API_ROOT: this.whatsapp.url,
    };
  }

  attach(gatewayUrl: string): void {
    this.whatsapp.callbackUrl = `${gatewayUrl}/webhooks/whatsapp`;
  }

  async deliver(message: ContractMessage): Promise<ContractDelivery> {
    if (message.chat.kind !== 'dm') throw new Error('WhatsApp Cloud API chats are direct chats only');
    const { attachment } = message;
    const media = attachment && { kind: attachment.mimeType.startsWith('image/') ? ('image' as const) : ('document' as const), data: attachment.data, mimeType: attachment.mimeType, fileName: attachment.fileName };
    return this.recorded(await this.whatsapp.deliver({ from: message.from.id, name: message.from.name, text: message.text, media }));
  }

  async redeliver(delivery: ContractDelivery): Promise<ContractDelivery> {
    const earlier = this.deliveries.get(delivery.id);
    if (!earlier) throw new Error(`unknown delivery ${delivery.id}`);
    return this.recorded(await this.whatsapp.redeliver(earlier));
  }

  async deliverForged(message: ContractMessage, how: 'signature' | 'stale'): Promise<number> {
    if (how === 'stale') throw new Error('WhatsApp notifications carry no signed timestamp');
    return (await this.whatsapp.deliver({ from: message.from.id, name: message.from.name, text: message.text }, { appSecret: 'not-the-app-secret' })).status;
  }

  botTexts(chat: ContractChat): string[] {
    return this.whatsapp.messagesTo(chat.id).map((message) => message.body);
  }

  failSends(failure: ContractSendFailure, times: number): void {
    // Throughput limit (130429) comes as HTTP 400 with the code; a server error as a 500.
    this.whatsapp.failSendNext(failure.kind === 'rate_limit' ? { status: 400, code: 130429, message: 'Rate limit hit' } : { status: 500, code: 131000, message: 'Something went wrong' }, times);
  }

  sendAttempts(chat: ContractChat): { at: number; accepted: boolean }[] {
    return this.whatsapp.sendAttempts(chat.id);
  }

  private recorded(delivery: FakeWhatsAppDelivery): ContractDelivery {
    this.deliveries.set(delivery.messageId, delivery);
    return { id: delivery.messageId, status: delivery.status };
  }
}
