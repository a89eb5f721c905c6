import type { Chat, Update, UserFromGetMe } from 'grammy/types';
import { FakePlatformServer, type FakePlatformCall, type FakePlatformReply, type FakeUploadedFile } from '../fake-platform/fake-platform.server';
import { apiError, badRequest, json, NOT_MODIFIED, ok, text } from './fake-telegram.replies';
import { FAKE_TELEGRAM_BOT, FAKE_TELEGRAM_TOKEN, type FakeBotMessage, type FakeWebhook } from './fake-telegram.types';
import { FakeTelegramUpdates, type FakeTelegramState } from './fake-telegram.updates';

export { FAKE_TELEGRAM_BOT, FAKE_TELEGRAM_TOKEN, type FakeBotMessage, type FakeWebhook };

type StoredFile = { file_id: string; file_unique_id: string; file_size: number; file_path: string; data: Buffer };
type HeldPoll = { wake: () => void; superseded: boolean };

// The Bot API serves files up to this size through getFile.
const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;

/**
 * The Telegram Bot API on 127.0.0.1 (`${url}/bot<token>/<method>`, JSON or multipart), enough of
 * it for grammy: long polling with offsets, webhooks, sending and editing messages, files. It
 * keeps what the bot sent per chat so a test can read what a user would see.
 */
export class FakeTelegramServer extends FakePlatformServer implements FakeTelegramState {
  readonly token: string;
  readonly botUser: UserFromGetMe;
  /** Builders of realistic incoming updates; queue them or post them to the adapter's webhook. */
  readonly build: FakeTelegramUpdates = new FakeTelegramUpdates(this);
  private queue: Update[] = [];
  private highestOffset = 0;
  private readonly held = new Set<HeldPoll>();
  private registeredWebhook: FakeWebhook | undefined;
  private readonly sent: FakeBotMessage[] = [];
  private readonly actions: { chatId: string; action: string; threadId?: number }[] = [];
  private commands: { command: string; description: string }[] = [];
  private readonly chats = new Map<number, Chat>();
  private readonly lastMessageIds = new Map<number, number>();
  private readonly files = new Map<string, StoredFile>();
  private lastUpdateId = 100_000;
  private lastFileNumber = 0;

  /** Another bot than the fixtures' one: its token, and the user id and name getMe answers with. */
  constructor(options: { token?: string; bot?: Pick<UserFromGetMe, 'id' | 'first_name' | 'username'> } = {}) {
    super();
    this.token = options.token ?? FAKE_TELEGRAM_TOKEN;
    this.botUser = { ...FAKE_TELEGRAM_BOT, ...options.bot };
    for (const method of ['GET', 'POST']) this.route(method, '/bot:token/:apiMethod', (call) => this.dispatch(call));
    this.route('GET', '/file/bot:token/:dir/:name', (call) => this.download(call));
  }

  /** The bot's username, for `@mentions` in built updates. */
  get botUsername(): string {
    return this.botUser.username;
  }

  /** Adds an update for getUpdates, answering a waiting long poll at once. */
  queueUpdate(update: Update): Update {
    this.queue.push(update);
    for (const poll of this.held) poll.wake();
    return update;
  }

  /** The bot's command menu as last set with setMyCommands. */
  get commandMenu(): { command: string; description: string }[] {
    return [...this.commands];
  }

  /** The offset of the latest getUpdates: every update below it is confirmed and dropped. */
  get confirmedOffset(): number {
    return this.highestOffset;
  }

  /** Updates queued and not confirmed yet. */
  get pendingUpdates(): Update[] {
    return [...this.queue];
  }

  /** Resolves once a getUpdates call confirms `update` (asks for an offset past it). */
  async waitForConfirmation(update: Update, timeoutMs = 2_000): Promise<void> {
    await this.waitForCall((call) => call.params.apiMethod === 'getUpdates' && Number(call.body.offset ?? call.query.offset) > update.update_id, timeoutMs);
  }

  /** The webhook set with setWebhook, if any. */
  get webhook(): FakeWebhook | undefined {
    return this.registeredWebhook;
  }

  /** Posts `update` to the registered webhook with its secret, as Telegram does. */
  async deliverToWebhook(update: Update): Promise<{ status: number; body: string }> {
    const webhook = this.registeredWebhook;
    if (!webhook) throw new Error('FakeTelegramServer: no webhook is set');
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (webhook.secretToken) headers['x-telegram-bot-api-secret-token'] = webhook.secretToken;
    const response = await fetch(webhook.url, { method: 'POST', headers, body: JSON.stringify(update) });
    return { status: response.status, body: await response.text() };
  }

  /** The bot's messages in a chat (optionally one thread), oldest first, with their current text. */
  messagesIn(chatId: string | number, threadId?: number): FakeBotMessage[] {
    return this.sent.filter((m) => m.chatId === String(chatId) && (threadId === undefined || m.threadId === threadId));
  }

  /** The chat actions (`typing`, ...) the bot sent to a chat. */
  chatActions(chatId: string | number): { action: string; threadId?: number }[] {
    return this.actions.filter((a) => a.chatId === String(chatId)).map(({ action, threadId }) => ({ action, threadId }));
  }

  /** The next `times` calls of `apiMethod` fail like a flood-controlled Bot API. */
  rateLimitNext(apiMethod: string, retryAfterSeconds: number, times = 1): this {
    const body = apiError(429, `Too Many Requests: retry after ${retryAfterSeconds}`, { retry_after: retryAfterSeconds });
    return this.failNext('POST', `/bot:token/${apiMethod}`, { status: 429, body }, times);
  }

  /** The next `times` calls of `apiMethod` fail with this Bot API error. */
  failApiNext(apiMethod: string, errorCode: number, description: string, times = 1): this {
    return this.failNext('POST', `/bot:token/${apiMethod}`, { status: errorCode, body: apiError(errorCode, description) }, times);
  }

  /**
   * Ends every held long poll with 409 Conflict, as Telegram does when another getUpdates takes
   * over: grammy stops polling and the adapter has to start again. Queued updates stay queued.
   */
  interruptPolling(): void {
    for (const poll of this.held) {
      poll.superseded = true;
      poll.wake();
    }
  }

  override async stop(): Promise<void> {
    for (const poll of this.held) poll.wake();
    await super.stop();
  }

  /** Forgets calls, updates, webhook, sent messages and files; ids keep growing. */
  override clear(): void {
    super.clear();
    this.queue = [];
    this.highestOffset = 0;
    this.registeredWebhook = undefined;
    this.sent.length = 0;
    this.actions.length = 0;
    this.files.clear();
  }

  nextUpdateId(): number {
    return ++this.lastUpdateId;
  }

  nextMessageId(chatId: number): number {
    const next = (this.lastMessageIds.get(chatId) ?? 0) + 1;
    this.lastMessageIds.set(chatId, next);
    return next;
  }

  rememberChat(chat: Chat): void {
    this.chats.set(chat.id, chat);
  }

  chat(chatId: number): Chat | undefined {
    return this.chats.get(chatId);
  }

  storeFile(data: Buffer, path: string): { file_id: string; file_unique_id: string; file_size: number } {
    const n = ++this.lastFileNumber;
    const file = { file_id: `fake-file-${n}`, file_unique_id: `fake-unique-${n}`, file_size: data.length, file_path: path.replace(/(\.[^./]*)?$/, `_${n}$1`), data };
    this.files.set(file.file_id, file);
    return { file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.file_size };
  }

  protected override unmatched(_call: FakePlatformCall): FakePlatformReply {
    return { status: 404, body: apiError(404, 'Not Found') };
  }

  private async dispatch(call: FakePlatformCall): Promise<FakePlatformReply> {
    if (call.params.token !== this.token) return { status: 401, body: apiError(401, 'Unauthorized') };
    const params = { ...call.query, ...call.body };
    switch (call.params.apiMethod) {
      case 'getMe':
        return ok(this.botUser);
      case 'getUpdates':
        return this.getUpdates(params);
      case 'setWebhook':
        this.registeredWebhook = { url: String(params.url), secretToken: text(params.secret_token), allowedUpdates: json<string[]>(params.allowed_updates) };
        return ok(true, 'Webhook was set');
      case 'deleteWebhook':
        this.registeredWebhook = undefined;
        if (json<boolean>(params.drop_pending_updates)) this.queue = [];
        return ok(true, 'Webhook was deleted');
      case 'getWebhookInfo':
        return ok({ url: this.registeredWebhook?.url ?? '', has_custom_certificate: false, pending_update_count: this.queue.length, allowed_updates: this.registeredWebhook?.allowedUpdates });
      case 'sendMessage':
        return this.sendMessage(params);
      case 'editMessageText':
        return this.editMessageText(params);
      case 'sendChatAction':
        this.actions.push({ chatId: String(params.chat_id), action: String(params.action), threadId: json<number>(params.message_thread_id) });
        return ok(true);
      case 'sendPhoto':
        return this.sendFile('photo', params, params.photo);
      case 'sendDocument':
        return this.sendFile('document', params, params.document);
      case 'getFile':
        return this.getFile(params);
      case 'setMyCommands':
        this.commands = json<{ command: string; description: string }[]>(params.commands) ?? [];
        return ok(true);
      default:
        return { status: 404, body: apiError(404, 'Not Found') };
    }
  }

  private async getUpdates(params: Record<string, unknown>): Promise<FakePlatformReply> {
    if (this.registeredWebhook) {
      return { status: 409, body: apiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first") };
    }
    const offset = json<number>(params.offset) ?? 0;
    if (offset > this.highestOffset) this.highestOffset = offset;
    this.queue = this.queue.filter((update) => update.update_id >= this.highestOffset);
    // A newer long poll ends older ones, as on Telegram (two pollers get 409s).
    this.interruptPolling();
    const timeoutSeconds = json<number>(params.timeout) ?? 0;
    if (this.queue.length === 0 && timeoutSeconds > 0) {
      const superseded = await this.hold(timeoutSeconds * 1000);
      if (superseded) return { status: 409, body: apiError(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running') };
    }
    return ok(this.queue.slice(0, json<number>(params.limit) ?? 100));
  }

  /** Waits for an update, the timeout, or a newer poll; resolves whether a newer poll ended it. */
  private hold(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const poll: HeldPoll = {
        superseded: false,
        wake: () => {
          clearTimeout(timer);
          this.held.delete(poll);
          resolve(poll.superseded);
        },
      };
      const timer = setTimeout(poll.wake, timeoutMs);
      this.held.add(poll);
    });
  }

  private sendMessage(params: Record<string, unknown>): FakePlatformReply {
    const messageText = text(params.text) ?? '';
    if (messageText.trim() === '') return badRequest('Bad Request: message text is empty');
    if (messageText.length > 4096) return badRequest('Bad Request: message is too long');
    return this.recordSent(params, { kind: 'text', text: messageText }, { text: messageText });
  }

  private editMessageText(params: Record<string, unknown>): FakePlatformReply {
    const message = this.sent.find((m) => m.chatId === String(params.chat_id) && m.messageId === json<number>(params.message_id));
    if (!message) return badRequest('Bad Request: message to edit not found');
    if (message.kind !== 'text') return badRequest('Bad Request: there is no text in the message to edit');
    const newText = text(params.text) ?? '';
    if (newText.trim() === '') return badRequest('Bad Request: message text is empty');
    if (newText === message.text) return badRequest(NOT_MODIFIED);
    message.text = newText;
    message.history.push(newText);
    return ok({ ...this.messageObject(message), text: newText, edit_date: Math.floor(Date.now() / 1000) });
  }

  private sendFile(kind: 'photo' | 'document', params: Record<string, unknown>, field: unknown): FakePlatformReply {
    // grammy sends uploads as `attach://<part>` pointing at a multipart file part.
    const reference = text(field) ?? '';
    const upload = (reference.startsWith('attach://') ? params[reference.slice('attach://'.length)] : field) as FakeUploadedFile | undefined;
    if (!upload || typeof upload !== 'object') return badRequest(`Bad Request: there is no ${kind} in the request`);
    const caption = text(params.caption) ?? '';
    const stored = this.storeFile(upload.data, kind === 'photo' ? 'photos/photo.jpg' : `documents/${upload.filename}`);
    const media =
      kind === 'photo'
        ? { photo: [{ ...stored, width: 800, height: 600 }] }
        : { document: { ...stored, file_name: upload.filename, mime_type: upload.contentType } };
    return this.recordSent(params, { kind, text: caption, fileName: upload.filename, file: upload.data }, { ...media, ...(caption ? { caption } : {}) });
  }

  private getFile(params: Record<string, unknown>): FakePlatformReply {
    const file = this.files.get(String(params.file_id));
    if (!file) return badRequest('Bad Request: invalid file_id');
    if (file.file_size > MAX_DOWNLOAD_BYTES) return badRequest('Bad Request: file is too big');
    const { data: _data, ...result } = file;
    return ok(result);
  }

  private download(call: FakePlatformCall): FakePlatformReply {
    if (call.params.token !== this.token) return { status: 401, body: apiError(401, 'Unauthorized') };
    const path = `${call.params.dir}/${call.params.name}`;
    const file = [...this.files.values()].find((candidate) => candidate.file_path === path);
    return file ? { body: file.data } : { status: 404, body: apiError(404, 'Not Found') };
  }

  private recordSent(params: Record<string, unknown>, content: Pick<FakeBotMessage, 'kind' | 'text' | 'fileName' | 'file'>, fields: object): FakePlatformReply {
    const chatId = String(params.chat_id ?? '');
    if (chatId === '') return badRequest('Bad Request: chat_id is empty');
    const message: FakeBotMessage = {
      chatId,
      messageId: this.nextMessageId(Number(chatId)),
      threadId: json<number>(params.message_thread_id),
      replyToMessageId: json<{ message_id: number }>(params.reply_parameters)?.message_id,
      ...content,
      history: [content.text],
    };
    this.sent.push(message);
    return ok({ ...this.messageObject(message), ...fields });
  }

  private messageObject(message: FakeBotMessage): Record<string, unknown> {
    const id = Number(message.chatId);
    const chat = this.chats.get(id) ?? (id > 0 ? { id, type: 'private', first_name: 'User' } : { id, type: 'supergroup', title: 'Group' });
    const thread = message.threadId === undefined ? {} : { message_thread_id: message.threadId, is_topic_message: true };
    const { id: botId, is_bot, first_name, username } = this.botUser;
    return { message_id: message.messageId, from: { id: botId, is_bot, first_name, username }, chat, date: Math.floor(Date.now() / 1000), ...thread };
  }
}
