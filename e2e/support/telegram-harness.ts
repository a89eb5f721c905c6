import type { Update } from 'grammy/types';
import { FAKE_TELEGRAM_TOKEN, FakeLlmServer, FakeTelegramServer } from '@switchboard/testing';
import { GatewayProcess, tempDir } from './gateway-process';

export const WEBHOOK_SECRET = 'e2e-webhook-secret-0123456789';
export const ALICE = { id: 111111111, is_bot: false, first_name: 'Alice', username: 'alice_l' };
export const MALLORY = { id: 666666666, is_bot: false, first_name: 'Mallory', username: 'mallory' };

/** A fake Bot API and a fake LLM on 127.0.0.1, and gateways started against them. */
export class TelegramHarness {
  readonly telegram = new FakeTelegramServer();
  readonly llm = new FakeLlmServer();
  private readonly gateways: GatewayProcess[] = [];

  async start(): Promise<void> {
    await Promise.all([this.telegram.start(), this.llm.start()]);
  }

  async stop(): Promise<void> {
    for (const gateway of this.gateways) await gateway.stop('SIGKILL');
    await Promise.all([this.telegram.stop(), this.llm.stop()]);
  }

  /** Environment for a gateway talking to the fakes; `extra` wins. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      SWITCHBOARD_DATA_DIR: tempDir('tg'),
      TELEGRAM_BOT_TOKEN: FAKE_TELEGRAM_TOKEN,
      TELEGRAM_API_ROOT: this.telegram.url,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
      TELEGRAM_ALLOWED_USERS: String(ALICE.id),
      LLM_PROVIDER: 'openai-compatible',
      LLM_MODEL: 'fake-model',
      OPENAI_BASE_URL: this.llm.openaiBaseUrl,
      OPENAI_API_KEY: 'sk-test',
      AGENT_STREAM_EDIT_INTERVAL_MS: '200',
      ...extra,
    };
  }

  async gateway(env: Record<string, string>): Promise<GatewayProcess> {
    const gateway = await GatewayProcess.start(env);
    this.gateways.push(gateway);
    return gateway;
  }

  /** POSTs an update to the gateway's webhook as Telegram would. */
  async post(gateway: GatewayProcess, update: Update | string, secret: string | null = WEBHOOK_SECRET): Promise<number> {
    const response = await fetch(`${gateway.url}/webhooks/telegram`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
      body: typeof update === 'string' ? update : JSON.stringify(update),
    });
    await response.arrayBuffer();
    return response.status;
  }

  /** Waits until the bot's messages in a chat satisfy `ok`; returns them. */
  async waitForMessages(chatId: number | string, ok: (texts: string[]) => boolean, timeoutMs = 20_000) {
    const started = Date.now();
    for (;;) {
      const messages = this.telegram.messagesIn(chatId);
      if (ok(messages.map((m) => m.text))) return messages;
      if (Date.now() - started > timeoutMs) {
        // What the gateways logged (warnings and errors) tells why a reply never came.
        const logs = this.gateways.map((gateway) => gateway.stderr.slice(-2_000)).join('\n');
        throw new Error(`chat ${chatId} never matched; bot messages: ${JSON.stringify(messages.map((m) => m.text))}; gateway logs:\n${logs}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
