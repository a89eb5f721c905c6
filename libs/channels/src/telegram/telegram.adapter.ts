import { createHash, timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import {
  type CommandMenuEntry,
  DomainError,
  ErrorCode,
  isDomainError,
  type Attachment,
  type ChannelAdapter,
  type ChannelCapabilities,
  type ChatTarget,
  type InboundMessage,
  type InboundSink,
  type LongConnection,
  type OutboundAttachment,
  type OutboundMessage,
  type SentMessage,
  type WebhookRequest,
  type WebhookResponse,
} from '@switchboard/core';
import { Bot, InputFile } from 'grammy';
import type { Update } from 'grammy/types';
import { Backoff } from '../backoff';
import { storeUntilStopped } from '../inbound/store-until-stopped';
import { callTelegram, isNotModified, toDomainError } from './telegram.errors';
import { mapTelegramUpdate, type TelegramBotIdentity } from './telegram.mapper';
import { TelegramMediaDownloader } from './telegram.media';

/** The `telegram` config section, as far as the adapter needs it. */
export interface TelegramAdapterOptions {
  botToken: string;
  mode: 'webhook' | 'polling';
  /** Required in webhook mode: Telegram sends it back in `X-Telegram-Bot-Api-Secret-Token`. */
  webhookSecret?: string;
  /** When set, registered with `setWebhook` at start (webhook mode). */
  webhookUrl?: string;
  /** Bot API server; defaults to https://api.telegram.org. */
  apiRoot?: string;
  /** Defaults to `default`. */
  accountId?: string;
  /** Largest inbound file downloaded (TELEGRAM_MAX_DOWNLOAD_BYTES); the Bot API's own limit is 20 MB. */
  maxDownloadBytes?: number;
}

const SECRET_HEADER = 'x-telegram-bot-api-secret-token';
// Only messages are mapped; asking for nothing else saves Telegram sending updates we would drop.
const ALLOWED_UPDATES: ['message'] = ['message'];
// Polling cut off by Telegram (409 from another poller, 401, ...) starts again after 1 s, up to 30 s.
const POLL_RETRY_FIRST_MS = 1_000;
const POLL_RETRY_MAX_MS = 30_000;
const DEFAULT_API_ROOT = 'https://api.telegram.org';
const BOT_API_MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;

export class TelegramAdapter implements ChannelAdapter {
  readonly id = 'telegram';
  readonly capabilities: ChannelCapabilities = {
    edit: true,
    typing: true,
    threads: true,
    reactions: false,
    files: true,
    images: true,
    voice: false,
    maxTextLength: 4096,
  };
  /** Long polling is one connection per bot token: one replica polls, under a lease. */
  readonly longConnection: LongConnection | undefined;

  private readonly logger = new Logger(TelegramAdapter.name);
  private readonly bot: Bot;
  private readonly media: TelegramMediaDownloader;
  readonly accountId: string;
  private identity: TelegramBotIdentity | undefined;
  private sink: InboundSink | undefined;
  private polling: Promise<void> | undefined;
  private pollingFailure: DomainError | undefined;
  private readonly pollBackoff = new Backoff(POLL_RETRY_FIRST_MS, POLL_RETRY_MAX_MS);
  private stopping = new AbortController();

  constructor(private readonly options: TelegramAdapterOptions) {
    if (options.mode === 'webhook' && !options.webhookSecret) {
      throw new DomainError(ErrorCode.INVALID_INPUT, 'Telegram webhook mode needs a webhookSecret');
    }
    this.accountId = options.accountId ?? 'default';
    this.longConnection = options.mode === 'polling' ? { account: this.accountId, kind: 'polling' } : undefined;
    // grammy refuses an apiRoot with a trailing slash; a configured URL may well have one.
    const apiRoot = (options.apiRoot ?? DEFAULT_API_ROOT).replace(/\/+$/, '');
    this.bot = new Bot(options.botToken, { client: { apiRoot } });
    const maxBytes = options.maxDownloadBytes ?? BOT_API_MAX_DOWNLOAD_BYTES;
    this.media = new TelegramMediaDownloader(this.bot.api, { apiRoot, botToken: options.botToken, maxBytes });
    this.bot.use((ctx) => this.receivePolled(ctx.update));
    // Polling that gets updates again waits 1 s after its next interruption, not the last delay doubled.
    this.bot.api.config.use(async (call, method, payload, signal) => {
      const result = await call(method, payload, signal);
      if (method === 'getUpdates' && result.ok) this.pollBackoff.reset();
      return result;
    });
    // grammy's default handler stops polling on the first failing update. Only a sink failure
    // during stop() gets here (see receivePolled), and grammy then confirms that update anyway.
    this.bot.catch((error) => {
      this.logger.error(`Telegram update ${error.ctx.update.update_id} was not stored and will not be redelivered: ${String(error.error)}`);
    });
  }

  async start(sink: InboundSink): Promise<void> {
    // Replaced before the first await, so a stop() while starting is seen by every later step.
    const stopping = (this.stopping = new AbortController());
    this.pollingFailure = undefined;
    this.pollBackoff.reset();
    const me = await callTelegram('getMe', () => this.bot.api.getMe());
    if (stopping.signal.aborted) return;
    this.identity = { id: me.id, username: me.username };
    // Polling needs the bot info; setting it spares grammy a second getMe.
    this.bot.botInfo = me;
    this.sink = sink;
    if (this.options.mode === 'webhook') {
      const url = this.options.webhookUrl;
      if (url) {
        const settings = { secret_token: this.options.webhookSecret, allowed_updates: ALLOWED_UPDATES };
        await callTelegram('setWebhook', () => this.bot.api.setWebhook(url, settings));
      }
      return;
    }
    await this.startPolling();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    if (this.polling) {
      await this.bot.stop().catch((error: unknown) => this.logger.warn(`Telegram polling did not stop cleanly: ${String(error)}`));
      // grammy hands the rest of the fetched batch to the handler before its loop ends.
      await this.polling;
      this.polling = undefined;
    }
    this.sink = undefined;
  }

  async handleWebhook(request: WebhookRequest): Promise<WebhookResponse> {
    if (!this.secretMatches(request.headers[SECRET_HEADER])) return { status: 401, body: { error: 'invalid secret token' } };
    const update = parseUpdate(request.rawBody);
    if (!update) return { status: 400, body: { error: 'expected a Telegram update' } };
    const sink = this.sink;
    // Not started or stopping: a 503 makes Telegram deliver the update again later.
    if (!sink) return { status: 503, body: { error: 'not receiving' } };
    let message: InboundMessage | null;
    try {
      message = this.map(update);
    } catch (error) {
      // Authentic but unreadable: acked and dropped, or Telegram would deliver it again and again.
      this.logger.warn(`Telegram update ${update.update_id} dropped, it cannot be read: ${String(error)}`);
      return { status: 200 };
    }
    if (!message) return { status: 200 };
    try {
      await sink(message);
      return { status: 200 };
    } catch (error) {
      // Telegram redelivers an update until it gets a 2xx, so a message not stored must not be acked.
      if (isDomainError(error) && error.retryable) {
        // Expected to pass (a full backlog, the database briefly away): 503, and no error log per update.
        this.logger.warn(`Telegram update ${update.update_id} not stored for now, asking Telegram to redeliver: ${error.message}`);
        return { status: 503, body: { error: 'not stored, retry later' } };
      }
      this.logger.error(`Telegram update ${update.update_id} not stored, asking Telegram to redeliver: ${String(error)}`);
      return { status: 500, body: { error: 'not stored, retry later' } };
    }
  }

  async send(target: ChatTarget, message: OutboundMessage): Promise<SentMessage> {
    const attachments = message.attachments ?? [];
    const replyTo = message.replyToMessageId ? { message_id: messageIdOf(message.replyToMessageId), allow_sending_without_reply: true } : undefined;
    const sent: number[] = [];
    // The reply reference goes on the first message only.
    const common = () => ({ message_thread_id: threadIdOf(target), reply_parameters: sent.length === 0 ? replyTo : undefined });

    if (message.text !== '' || attachments.length === 0) {
      const result = await callTelegram('sendMessage', () => this.bot.api.sendMessage(target.chatId, message.text, common()));
      sent.push(result.message_id);
    }
    for (const attachment of attachments) {
      const options = { ...common(), caption: attachment.caption };
      const result =
        attachment.kind === 'image'
          ? await callTelegram('sendPhoto', () => this.bot.api.sendPhoto(target.chatId, inputFileOf(attachment), options))
          : await callTelegram('sendDocument', () => this.bot.api.sendDocument(target.chatId, inputFileOf(attachment), options));
      sent.push(result.message_id);
    }
    return { platformMessageId: `${target.chatId}:${sent[0]}` };
  }

  async edit(target: ChatTarget, platformMessageId: string, text: string): Promise<void> {
    const messageId = messageIdOf(platformMessageId);
    await callTelegram('editMessageText', async () => {
      try {
        await this.bot.api.editMessageText(target.chatId, messageId, text);
      } catch (error) {
        if (!isNotModified(error)) throw error;
      }
    });
  }

  async sendTyping(target: ChatTarget): Promise<void> {
    await callTelegram('sendChatAction', () =>
      this.bot.api.sendChatAction(target.chatId, 'typing', { message_thread_id: threadIdOf(target) }),
    );
  }

  async setCommands(commands: CommandMenuEntry[]): Promise<void> {
    await callTelegram('setMyCommands', () => this.bot.api.setMyCommands(commands.map(({ name, description }) => ({ command: name, description }))));
  }

  downloadAttachment(attachment: Attachment): Promise<Buffer> {
    return this.media.download(attachment);
  }

  async healthProbe(): Promise<Record<string, unknown>> {
    if (this.pollingFailure) throw this.pollingFailure;
    const me = await callTelegram('getMe', () => this.bot.api.getMe());
    return { username: me.username };
  }

  /**
   * Resolves once grammy has deleted any webhook (Telegram refuses getUpdates while one is set)
   * and begun long polling, rejects if that first setup fails; polling then runs until stop().
   */
  private startPolling(): Promise<void> {
    return new Promise((resolve, reject) => {
      // stop() during the setup aborts grammy's pending calls: start() then resolves, not started.
      this.polling = this.pollUntilStopped(resolve, reject).finally(() => resolve());
    });
  }

  /**
   * grammy ends polling for good on a 409 Conflict (another getUpdates with this token: a stale
   * poller, or a webhook set meanwhile) and on a 401. Here polling starts again after a backoff
   * (grammy deletes a webhook first), and healthProbe reports the failure until polling resumed.
   */
  private async pollUntilStopped(began: () => void, setupFailed: (error: DomainError) => void): Promise<void> {
    let polled = false;
    const onStart = () => {
      polled = true;
      this.pollingFailure = undefined;
      began();
    };
    while (!this.stopping.signal.aborted) {
      try {
        await this.bot.start({ allowed_updates: ALLOWED_UPDATES, onStart });
        return;
      } catch (error) {
        if (this.stopping.signal.aborted) return;
        const failure = toDomainError('getUpdates', error);
        if (!polled) return setupFailed(failure);
        this.pollingFailure = failure;
        const delayMs = this.pollBackoff.next();
        this.logger.warn(`Telegram polling interrupted, polling again in ${delayMs} ms: ${failure.message}`);
        await sleep(delayMs, undefined, { signal: this.stopping.signal }).catch(() => undefined);
      }
    }
  }

  private map(update: Update): InboundMessage | null {
    if (!this.identity) throw new Error('TelegramAdapter is not started');
    return mapTelegramUpdate(update, { accountId: this.accountId, bot: this.identity });
  }

  /**
   * grammy moves the getUpdates offset past an update only once this resolves, so a message is
   * confirmed to Telegram only after the sink stored it. A failing sink is retried with backoff
   * instead of letting grammy skip the update; later updates wait, as they do behind a webhook
   * delivery Telegram retries. Only stop() ends the retries, and that update is then lost.
   */
  private async receivePolled(update: Update): Promise<void> {
    const message = this.map(update);
    const sink = this.sink;
    if (!message || !sink) return;
    await storeUntilStopped(sink, message, this.stopping.signal, (error, delay) =>
      this.logger.warn(`Telegram update ${update.update_id} not stored, retrying in ${delay} ms: ${String(error)}`),
    );
  }

  private secretMatches(header: string | string[] | undefined): boolean {
    const expected = this.options.webhookSecret;
    if (!expected || typeof header !== 'string') return false;
    // Equal-length digests let timingSafeEqual compare secrets of any length in constant time.
    return timingSafeEqual(sha256(header), sha256(expected));
  }
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function parseUpdate(rawBody: Buffer): Update | undefined {
  let value: unknown;
  try {
    value = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return undefined;
  }
  const isUpdate = typeof value === 'object' && value !== null && typeof (value as { update_id?: unknown }).update_id === 'number';
  return isUpdate ? (value as Update) : undefined;
}

/** `<chatId>:<messageId>` (as mapped and returned by send) → the Telegram message_id. */
function messageIdOf(platformMessageId: string): number {
  const messageId = Number(platformMessageId.slice(platformMessageId.lastIndexOf(':') + 1));
  if (!Number.isInteger(messageId) || messageId <= 0) {
    throw new DomainError(ErrorCode.INVALID_INPUT, `Not a Telegram message id: ${platformMessageId}`);
  }
  return messageId;
}

function threadIdOf(target: ChatTarget): number | undefined {
  return target.threadId === undefined ? undefined : Number(target.threadId);
}

function inputFileOf(attachment: OutboundAttachment): InputFile {
  if (attachment.data) return new InputFile(attachment.data, attachment.fileName);
  // grammy downloads the URL and uploads the bytes, so the URL need not be reachable from Telegram.
  if (attachment.url) return new InputFile(new URL(attachment.url), attachment.fileName);
  throw new DomainError(ErrorCode.INVALID_INPUT, `Attachment ${attachment.fileName} has neither data nor a url`);
}
