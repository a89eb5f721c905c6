import type { Update } from 'grammy/types';
import { Client } from 'pg';
import { REPEAT_MARKER } from '@switchboard/agent/reply/repeat-marker';
import { FAKE_TELEGRAM_TOKEN, FakeLlmServer, FakeTelegramServer } from '@switchboard/testing';
import { GatewayProcess, tempDir } from '../../support/gateway-process';
import { OwnPostgres, OwnRedis } from './own-services';

const WEBHOOK_SECRET = 'chaos-webhook-secret-0123456789';

/** What the fake model answers to a message: unique per message, so each answer is told apart. */
export const answerTo = (text: string) => `Answer to ${text}.`;

/**
 * A deployment of its own for chaos tests: PostgreSQL and Redis started (and stopped) by the test,
 * a fake Bot API and a fake model, and gateways started from the build against them. Messages are
 * delivered to a gateway's webhook the way Telegram does it: again and again until it answers 200.
 */
export class ChaosHarness {
  readonly telegram = new FakeTelegramServer();
  readonly llm = new FakeLlmServer();
  postgres!: OwnPostgres;
  redis!: OwnRedis;
  readonly gateways: GatewayProcess[] = [];
  /** Text of every message a gateway acked, by chat id. */
  readonly accepted = new Map<number, string[]>();
  private readonly deliveries = new Set<Promise<void>>();
  private nextChat = 0;
  private stopped = false;

  async start(): Promise<void> {
    [this.postgres, this.redis] = await Promise.all([OwnPostgres.create(), OwnRedis.create()]);
    await Promise.all([this.telegram.start(), this.llm.start()]);
    // Streamed in a few deltas over about a second, so outages land while replies stream.
    this.llm.respondWith((request) => ({ text: answerTo(request.userText), chunks: 5, chunkDelayMs: 200 }));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const gateway of this.gateways) await gateway.stop('SIGKILL');
    await Promise.all([this.telegram.stop(), this.llm.stop()]);
    await this.redis?.stop();
    this.postgres?.destroy();
  }

  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      SWITCHBOARD_DATA_DIR: tempDir('chaos'),
      DATABASE_URL: this.postgres.url,
      REDIS_URL: this.redis.url,
      TELEGRAM_BOT_TOKEN: FAKE_TELEGRAM_TOKEN,
      TELEGRAM_API_ROOT: this.telegram.url,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
      TELEGRAM_DM_POLICY: 'open',
      LLM_PROVIDER: 'openai-compatible',
      LLM_MODEL: 'fake-model',
      OPENAI_BASE_URL: this.llm.openaiBaseUrl,
      OPENAI_API_KEY: 'sk-test',
      AGENT_STREAM_EDIT_INTERVAL_MS: '200',
      QUEUE_CONCURRENCY: '20',
      // Short, so that a message whose job Redis lost is queued again within seconds.
      QUEUE_REQUEUE_AFTER_MS: '5000',
      ...extra,
    };
  }

  async gateway(env: Record<string, string> = this.env()): Promise<GatewayProcess> {
    const gateway = GatewayProcess.spawn(env);
    this.gateways.push(gateway);
    // Generous: on a loaded CI machine a start can take far longer than usual.
    await gateway.waitForUrl(120_000);
    return gateway;
  }

  /** A chat of its own (a new user writing to the bot in private). */
  newChat(): number {
    return 7_000_000 + ++this.nextChat;
  }

  /**
   * Delivers `count` messages, one every `everyMs`, each in its own chat, round-robin over the
   * gateways, each until it is acked. Resolves once all are sent (not acked).
   */
  async load(name: string, count: number, everyMs: number, gateways: GatewayProcess[]): Promise<void> {
    for (let i = 0; i < count; i++) {
      const chat = this.newChat();
      const text = `${name} message ${i + 1}`;
      this.deliver(gateways[i % gateways.length], chat, text);
      await sleep(everyMs);
    }
  }

  /** Delivers one message like Telegram: retried until a 2xx. */
  deliver(gateway: GatewayProcess, chatId: number, text: string): void {
    const update = this.telegram.build.privateText(text, { from: { id: chatId, is_bot: false, first_name: `User ${chatId}` } });
    const delivery = this.postUntilAcked(gateway, update).then((acked) => {
      if (acked) this.accepted.set(chatId, [...(this.accepted.get(chatId) ?? []), text]);
    });
    this.deliveries.add(delivery);
    void delivery.finally(() => this.deliveries.delete(delivery)).catch(() => undefined);
  }

  /** Resolves once every message delivered so far was acked. */
  async allAcked(timeoutMs = 180_000): Promise<void> {
    const started = Date.now();
    while (this.deliveries.size > 0) {
      if (Date.now() - started > timeoutMs) {
        // What the gateways logged tells why they stopped acking.
        const logs = this.gateways.map((gateway) => gateway.stderr.slice(-3_000)).join('\n---\n');
        throw new Error(`${this.deliveries.size} message(s) never acked; gateway logs:\n${logs}`);
      }
      await Promise.race([Promise.all([...this.deliveries]), sleep(1_000)]);
    }
  }

  /** True once acked; false when the harness stopped first. */
  private async postUntilAcked(gateway: GatewayProcess, update: Update): Promise<boolean> {
    for (let delay = 200; !this.stopped; delay = Math.min(delay * 2, 2_000)) {
      const status = await fetch(`${gateway.url}/webhooks/telegram`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
        body: JSON.stringify(update),
        signal: AbortSignal.timeout(30_000),
      }).then(
        async (response) => {
          await response.arrayBuffer();
          return response.status;
        },
        () => 0,
      );
      if (status === 200) return true;
      await sleep(delay);
    }
    return false;
  }

  /**
   * Chats whose bot messages are not the answers to what was accepted in them, each once, as the
   * README states it: a reply whose send ended without a clear answer (a connection lost, a
   * timeout on this loaded host) is sent again marked REPEAT_MARKER, so the chat may hold it twice
   * (plain and marked) or only marked (the first copy never reached the platform); nothing else
   * may repeat, and nothing unmarked may appear twice.
   */
  unanswered(): { chatId: number; expected: string[]; got: string[] }[] {
    const wrong = [];
    for (const [chatId, texts] of this.accepted) {
      const expected = texts.map(answerTo).sort();
      const got = this.telegram
        .messagesIn(chatId)
        .map((message) => message.text)
        .sort();
      const plain = got.filter((text) => !text.startsWith(REPEAT_MARKER));
      const answered = [...new Set(got.map((text) => (text.startsWith(REPEAT_MARKER) ? text.slice(REPEAT_MARKER.length) : text)))].sort();
      const ok = JSON.stringify(answered) === JSON.stringify(expected) && new Set(plain).size === plain.length && got.length - plain.length <= expected.length;
      if (!ok) wrong.push({ chatId, expected, got });
    }
    return wrong;
  }

  /** How many answers went out again marked as a repeat (see unanswered()). */
  repeatedAnswers(): number {
    let repeated = 0;
    for (const chatId of this.accepted.keys()) repeated += this.telegram.messagesIn(chatId).filter((message) => message.text.startsWith(REPEAT_MARKER)).length;
    return repeated;
  }

  /** Waits until every accepted message has its one answer in its chat. */
  async waitUntilAllAnswered(timeoutMs = 120_000): Promise<void> {
    const started = Date.now();
    while (this.unanswered().length > 0) {
      if (Date.now() - started > timeoutMs) {
        throw new Error(`not all answered after ${timeoutMs} ms: ${JSON.stringify(this.unanswered().slice(0, 5))}`);
      }
      await sleep(250);
    }
  }

  /**
   * Quiescence: no message pending in the database, and nothing sent or edited on the fake Bot
   * API for two seconds (checked by counting calls, not by a timer on the gateway).
   */
  async waitForQuiescence(timeoutMs = 60_000): Promise<void> {
    const started = Date.now();
    const writes = () => this.telegram.calls({ path: /\/(sendMessage|editMessageText)$/ }).length;
    for (;;) {
      const before = writes();
      await sleep(2_000);
      if (writes() === before && (await this.pendingInDatabase()) === 0) return;
      if (Date.now() - started > timeoutMs) throw new Error('the gateways never went quiet');
    }
  }

  async pendingInDatabase(): Promise<number> {
    return Number((await this.query<{ n: string }>('SELECT count(*) AS n FROM "PendingMessage"'))[0].n);
  }

  /** Turns by status, e.g. { delivered: 50 }. */
  async turnStatuses(): Promise<Record<string, number>> {
    const rows = await this.query<{ status: string; n: string }>('SELECT status, count(*) AS n FROM "Turn" GROUP BY status');
    return Object.fromEntries(rows.map((row) => [row.status, Number(row.n)]));
  }

  acceptedCount(): number {
    return [...this.accepted.values()].reduce((sum, texts) => sum + texts.length, 0);
  }

  private async query<Row>(sql: string): Promise<Row[]> {
    const client = new Client({ connectionString: this.postgres.url });
    await client.connect();
    try {
      return (await client.query(sql)).rows as Row[];
    } finally {
      await client.end();
    }
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `condition` holds. */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
