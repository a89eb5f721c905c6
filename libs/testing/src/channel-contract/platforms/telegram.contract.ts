import type { Update, User } from 'grammy/types';
import { FAKE_TELEGRAM_TOKEN, FakeTelegramServer } from '../../fake-telegram/fake-telegram.server';
import type {
  ContractChat,
  ContractDelivery,
  ContractMessage,
  ContractPlatform,
  ContractSendFailure,
  ContractUser,
} from '../contract-platform';

const WEBHOOK_SECRET = 'contract-webhook-secret-0123456789';
const SECRET_HEADER = 'x-telegram-bot-api-secret-token';
// A polled update is acked once a later getUpdates confirms it; after a dropped poll that waits
// for the adapter's reconnect backoff.
const CONFIRMATION_TIMEOUT_MS = 15_000;

/**
 * Telegram in one of its two receiving modes over FakeTelegramServer. Polling counts as a long
 * connection: one long poll after another, opened with deleteWebhook each time grammy starts
 * polling; dropping it ends the held poll with 409 Conflict, as a second poller would, so the
 * adapter must start polling again (after its 1 s → 30 s backoff) and confirm what waited.
 */
export class TelegramContractPlatform implements ContractPlatform {
  readonly name: string;
  readonly platform = 'telegram';
  readonly features: ContractPlatform['features'];
  readonly textLimit = { max: 4096, unit: 'chars' } as const;
  readonly allowed: ContractUser = { id: '111111111', name: 'Alice' };
  readonly stranger: ContractUser = { id: '666666666', name: 'Mallory' };
  readonly group: ContractChat = { kind: 'group', id: '-1001234567890' };
  readonly deliverForged?: ContractPlatform['deliverForged'];
  readonly dropConnection?: ContractPlatform['dropConnection'];
  readonly connectionsOpened?: ContractPlatform['connectionsOpened'];

  private readonly telegram = new FakeTelegramServer();
  private readonly deliveries = new Map<string, Update>();
  private gatewayUrl = '';

  constructor(private readonly mode: 'webhook' | 'polling') {
    this.name = `telegram (${mode})`;
    this.features = {
      longConnection: mode === 'polling',
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
      this.dropConnection = async () => this.telegram.interruptPolling();
      this.connectionsOpened = () => this.telegram.calls((call) => call.params.apiMethod === 'deleteWebhook').length;
    }
  }

  dmWith(user: ContractUser): ContractChat {
    return { kind: 'dm', id: user.id };
  }

  start(): Promise<void> {
    return this.telegram.start();
  }

  stop(): Promise<void> {
    return this.telegram.stop();
  }

  gatewayEnv(): Record<string, string> {
    return {
      TELEGRAM_BOT_TOKEN: FAKE_TELEGRAM_TOKEN,
      TELEGRAM_API_ROOT: this.telegram.url,
      TELEGRAM_MODE: this.mode,
      ...(this.mode === 'webhook' ? { TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET } : {}),
    };
  }

  attach(gatewayUrl: string): void {
    this.gatewayUrl = gatewayUrl;
  }

  async deliver(message: ContractMessage): Promise<ContractDelivery> {
    return this.send(this.updateFor(message));
  }

  async redeliver(delivery: ContractDelivery): Promise<ContractDelivery> {
    const update = this.deliveries.get(delivery.id);
    if (!update) throw new Error(`unknown delivery ${delivery.id}`);
    // A webhook delivery is retried as it was. A polled update, once confirmed, is never served
    // again; the same message comes again in an update of its own (a client resending it).
    return this.send(this.mode === 'webhook' ? update : { ...update, update_id: this.telegram.nextUpdateId() });
  }

  botTexts(chat: ContractChat): string[] {
    return this.telegram.messagesIn(chat.id).map((message) => message.text);
  }

  botFiles(chat: ContractChat): { fileName: string; data: Buffer }[] {
    return this.telegram
      .messagesIn(chat.id)
      .filter((message) => message.file !== undefined)
      .map((message) => ({ fileName: message.fileName ?? '', data: message.file! }));
  }

  failSends(failure: ContractSendFailure, times: number): void {
    if (failure.kind === 'rate_limit') this.telegram.rateLimitNext('sendMessage', failure.retryAfterSeconds, times);
    else this.telegram.failApiNext('sendMessage', 500, 'Internal Server Error', times);
  }

  sendAttempts(chat: ContractChat): { at: number; accepted: boolean }[] {
    return this.telegram
      .calls((call) => call.params.apiMethod === 'sendMessage' && String(call.body.chat_id) === chat.id)
      .map((call) => ({ at: call.receivedAt.getTime(), accepted: call.status === 200 }));
  }

  private updateFor(message: ContractMessage): Update {
    const from: User = { id: Number(message.from.id), is_bot: false, first_name: message.from.name };
    const build = this.telegram.build;
    if (message.attachment) {
      const { fileName, mimeType, data } = message.attachment;
      if (message.chat.kind !== 'dm') throw new Error('the Telegram contract sends attachments in direct messages');
      return mimeType.startsWith('image/')
        ? build.photo({ from, data, caption: message.text })
        : build.document({ from, data, fileName, mimeType, caption: message.text });
    }
    if (message.chat.kind === 'dm') return build.privateText(message.text, { from });
    const text = message.mentionsBot ? `@${this.telegram.botUsername} ${message.text}` : message.text;
    return build.groupText(text, { from, chatId: Number(message.chat.id) });
  }

  private async send(update: Update): Promise<ContractDelivery> {
    const id = String(update.update_id);
    this.deliveries.set(id, update);
    if (this.mode === 'webhook') return { id, status: await this.post(update, WEBHOOK_SECRET) };
    this.telegram.queueUpdate(update);
    await this.telegram.waitForConfirmation(update, CONFIRMATION_TIMEOUT_MS);
    return { id };
  }

  private async forged(message: ContractMessage, how: 'signature' | 'stale'): Promise<number> {
    if (how === 'stale') throw new Error('Telegram webhooks carry no timestamp');
    return this.post(this.updateFor(message), 'not-the-webhook-secret-0123456789');
  }

  private async post(update: Update, secret: string): Promise<number> {
    const response = await fetch(`${this.gatewayUrl}/webhooks/telegram`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SECRET_HEADER]: secret },
      body: JSON.stringify(update),
    });
    await response.arrayBuffer();
    return response.status;
  }
}
