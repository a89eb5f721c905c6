import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeLlmServer } from '../fake-llm/fake-llm.server';
import { TINY_PNG_BASE64 } from '../fixtures/images';
import type { ContractChat, ContractMessage, ContractPlatform } from './contract-platform';

/** A gateway process the suite talks to; the e2e entry starts it (see e2e/channel-contract.e2e-spec.ts). */
export interface ContractGateway {
  readonly url: string;
  /** Resolves once no accepted message waits for its answer and no job waits, runs or is scheduled. */
  quiescent(): Promise<void>;
  /** What `switchboard doctor` prints for this gateway's configuration. */
  doctor(): Promise<string>;
  /** Runs the `switchboard` CLI against this gateway's data (`pairing approve slack <code>`). */
  cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** The end of what the gateway logged, for failure messages. */
  logs(): string;
  /** Calls a control-plane method as an operator (gateway token, operator.write); the response frame's result. */
  operatorRequest(method: string, params: Record<string, unknown>): Promise<{ ok?: boolean; payload?: unknown; error?: { message: string } }>;
  stop(): Promise<void>;
}

/** Starts a gateway (embedded, its own data directory) with this environment. */
export type StartContractGateway = (env: Record<string, string>) => Promise<ContractGateway>;

/** Retry settings the suite runs the gateway with, short so dead-lettering takes seconds. */
const QUEUE_ATTEMPTS = 3;
const QUEUE_BACKOFF_MS = 400;
const RESTRICTED_COMMAND = 'status';
const RETRY_AFTER_S = 1;
const PAIRING_CODE = /\b[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{8}\b/;
const REPLY = 'Paris is the capital of France. It sits on the Seine and has about two million people.';

/**
 * The channel contract: what every adapter, in every mode, does through the real gateway against
 * its platform's fake. One gateway per platform and mode serves every test; each test looks only
 * at what is new in its chats, waits on conditions, and checks counts again at quiescence.
 *
 * The gateway gets the fake LLM, short queue retries, `/status` restricted to admins, and the
 * access settings `<PLATFORM>_ALLOWED_USERS` = `platform.allowed`, `<PLATFORM>_ALLOWED_GROUPS` =
 * `platform.group`, `<PLATFORM>_DM_POLICY` = pairing; `platform.gatewayEnv()` wins over all of it.
 */
export function describeChannelContract(platform: ContractPlatform, startGateway: StartContractGateway): void {
  // Sequential inside: each test builds on the gateway state the one before left.
  describe.sequential(`channel contract: ${platform.name}`, () => {
    const llm = new FakeLlmServer();
    let gateway: ContractGateway;
    const dm = platform.dmWith(platform.allowed);

    beforeAll(async () => {
      await Promise.all([llm.start(), platform.start()]);
      gateway = await startGateway(contractGatewayEnv(platform, llm));
      platform.attach(gateway.url);
      // The gateway's own start bound (a loaded machine can take minutes) decides, not the hook's default.
    }, 300_000);
    afterAll(async () => {
      await gateway?.stop();
      await Promise.all([llm.stop(), platform.stop()]);
    });
    beforeEach(() => llm.reset());

    /** Delivers a message, expecting the platform to have been answered with success. */
    async function deliver(message: Omit<ContractMessage, 'from' | 'chat'> & Partial<Pick<ContractMessage, 'from' | 'chat'>>) {
      const delivery = await platform.deliver({ from: platform.allowed, chat: dm, ...message });
      if (delivery.status !== undefined) expect(delivery.status, 'the gateway answered the delivery').toBeLessThan(300);
      return delivery;
    }

    /** The bot's messages in `chat` from index `from` on, once `ok` holds for them. */
    async function waitForTexts(chat: ContractChat, from: number, ok: (texts: string[]) => boolean, timeoutMs = 20_000): Promise<string[]> {
      const started = Date.now();
      for (;;) {
        const texts = platform.botTexts(chat).slice(from);
        if (ok(texts)) return texts;
        if (Date.now() - started > timeoutMs) {
          throw new Error(`${platform.name}: chat ${chat.id} never matched; bot messages: ${JSON.stringify(texts)}; gateway logs:\n${gateway.logs()}`);
        }
        await sleep(20);
      }
    }

    async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
      const started = Date.now();
      while (!(await condition())) {
        if (Date.now() - started > timeoutMs) throw new Error(`${platform.name}: timed out waiting for ${what}; gateway logs:\n${gateway.logs()}`);
        await sleep(50);
      }
    }

    const metric = async (pattern: RegExp) => Number(pattern.exec(await (await fetch(`${gateway.url}/metrics`)).text())?.[1] ?? 0);
    const accepted = () => metric(new RegExp(`^switchboard_messages_in_total\\{platform="${platform.platform}",outcome="accepted"\\} (\\d+)$`, 'm'));
    const dead = (queue: string) => metric(new RegExp(`^switchboard_queue_depth\\{queue="${queue}",state="dead"\\} (\\d+)$`, 'm'));
    const failedReplies = () => metric(new RegExp(`^switchboard_replies_failed_total\\{platform="${platform.platform}"\\} (\\d+)$`, 'm'));

    it('answers a direct message from an allowed user with one reply, streamed where the platform streams', async () => {
      const before = platform.botTexts(dm).length;
      llm.enqueue({ text: REPLY, chunks: 8, chunkDelayMs: 150 });
      const seen = new Set<string>();

      await deliver({ text: 'What is the capital of France?' });
      await waitForTexts(dm, before, (texts) => {
        texts.forEach((text) => seen.add(text));
        return texts.includes(REPLY);
      });
      await gateway.quiescent();

      expect(platform.botTexts(dm).slice(before)).toEqual([REPLY]);
      expect(llm.requests.map((request) => request.userText)).toEqual(['What is the capital of France?']);
      // A streamed reply shows a partial text before the whole one.
      const partial = [...seen].some((text) => text.trim() !== '' && text !== REPLY);
      expect(partial, `texts seen: ${JSON.stringify([...seen])}`).toBe(platform.features.streams);
    });

    it.runIf(platform.features.groups)('ignores a group message that does not mention the bot and answers one that does', async () => {
      const chat = platform.group;
      const before = platform.botTexts(chat).length;

      await deliver({ chat, text: 'just chatting among ourselves' });
      await deliver({ chat, text: 'what time is it?', mentionsBot: true });
      await waitForTexts(chat, before, (texts) => texts.length >= 1);
      await gateway.quiescent();

      expect(platform.botTexts(chat).slice(before)).toHaveLength(1);
      expect(llm.requests).toHaveLength(1);
      expect(llm.requests[0].userText).toContain('what time is it?');
    });

    it('gives a stranger a pairing code instead of an answer', async () => {
      const chat = platform.dmWith(platform.stranger);
      const before = platform.botTexts(chat).length;

      await deliver({ from: platform.stranger, chat, text: 'hi, can I use you?' });
      const [notice] = await waitForTexts(chat, before, (texts) => texts.length >= 1);
      await gateway.quiescent();

      expect(notice).toMatch(PAIRING_CODE);
      expect(platform.botTexts(chat).slice(before)).toHaveLength(1);
      expect(llm.requests).toHaveLength(0);
    });

    it('runs the commands an allowed user may run and refuses the one restricted to admins', async () => {
      const before = platform.botTexts(dm).length;

      await deliver({ text: '/whoami' });
      await waitForTexts(dm, before, (texts) => texts.length === 1);
      await deliver({ text: `/${RESTRICTED_COMMAND}` });
      const texts = await waitForTexts(dm, before, (t) => t.length === 2);
      await gateway.quiescent();

      expect(texts[0]).toContain(`user id ${platform.allowed.id}`);
      expect(texts[1]).toBe(`You are not allowed to run /${RESTRICTED_COMMAND}.`);
      expect(llm.requests).toHaveLength(0);
    });

    it.runIf(platform.deliverCommand !== undefined)('runs a command picked from the platform\'s command UI as it runs a typed one', async () => {
      const before = platform.botTexts(dm).length;
      if (platform.commandMenu) await until('the command menu to be registered', () => platform.commandMenu!().includes('whoami'));

      await platform.deliverCommand!(platform.allowed, dm, 'whoami', '');
      const texts = await waitForTexts(dm, before, (t) => t.length === 1);
      await gateway.quiescent();

      expect(texts[0]).toContain(`user id ${platform.allowed.id}`);
      expect(llm.requests).toHaveLength(0);
    });

    it('splits a reply longer than the platform limit into parts within it, in its unit', async () => {
      const { max, unit } = platform.textLimit;
      const size = (text: string) => (unit === 'bytes' ? Buffer.byteLength(text, 'utf8') : [...text].length);
      // Where the limit is bytes, characters of three bytes each: a split by characters would overflow.
      const word = unit === 'bytes' ? '长回复的文字' : 'lengthy';
      const words: string[] = [];
      // Counted as it grows: joining every time is quadratic, and blocks the event loop for seconds on large limits.
      for (let i = 0, total = 0; total < max * 2.5; i++) {
        words.push(`${word}${i}`);
        total += size(`${word}${i} `);
      }
      const long = words.join(' ');
      const before = platform.botTexts(dm).length;
      llm.enqueue({ text: long, chunks: 10 });

      await deliver({ text: 'Tell me a long story.' });
      const minimum = Math.ceil(size(long) / max);
      await waitForTexts(dm, before, (texts) => texts.length >= minimum && squash(texts.join('')) === squash(long));
      await gateway.quiescent();

      const parts = platform.botTexts(dm).slice(before);
      expect(squash(parts.join(''))).toBe(squash(long));
      for (const part of parts) expect(size(part), `a part of ${size(part)} ${unit}`).toBeLessThanOrEqual(max);
    });

    it('answers the same delivery made twice only once', async () => {
      const before = platform.botTexts(dm).length;

      const delivery = await deliver({ text: 'Hello once?' });
      const again = await platform.redeliver(delivery);
      if (again.status !== undefined) expect(again.status).toBeLessThan(300);
      await waitForTexts(dm, before, (texts) => texts.includes('echo: Hello once?'));
      await gateway.quiescent();

      expect(platform.botTexts(dm).slice(before)).toEqual(['echo: Hello once?']);
      expect(llm.requests).toHaveLength(1);
    });

    const forgeries = [
      ...(platform.features.signedWebhook ? (['signature'] as const) : []),
      ...(platform.features.staleTimestamp ? (['stale'] as const) : []),
    ];
    it.runIf(forgeries.length > 0)('rejects a delivery with a bad signature or token, or a stale timestamp, and stores nothing', async () => {
      const forge = platform.deliverForged;
      if (!forge) throw new Error(`${platform.name} signs its webhooks but has no deliverForged`);
      const before = platform.botTexts(dm).length;
      const acceptedBefore = await accepted();

      for (const how of forgeries) {
        const status = await forge.call(platform, { from: platform.allowed, chat: dm, text: `forged (${how})` }, how);
        expect([401, 403], `${how}: HTTP ${status}`).toContain(status);
      }
      await gateway.quiescent();

      expect(await accepted()).toBe(acceptedBefore);
      expect(platform.botTexts(dm).slice(before)).toEqual([]);
      expect(llm.requests).toHaveLength(0);
    });

    it.runIf(platform.features.attachmentsIn)('shows the model an image the user sent', async () => {
      const before = platform.botTexts(dm).length;
      const png = Buffer.from(TINY_PNG_BASE64, 'base64');

      await deliver({ text: 'What is this?', attachment: { fileName: 'dot.png', mimeType: 'image/png', data: png } });
      await waitForTexts(dm, before, (texts) => texts.length === 1 && texts[0].startsWith('echo:'));

      expect(llm.requests).toHaveLength(1);
      expect(llm.requests[0].userImages).toEqual([{ mimeType: 'image/png', dataBase64: TINY_PNG_BASE64 }]);
      expect(llm.requests[0].userText).toContain('What is this?');
    });

    it.runIf(platform.features.attachmentsOut)('delivers a file an operator sends through the control plane', async () => {
      const files = () => platform.botFiles?.(dm) ?? [];
      const before = files().length;
      // A PDF: a document every platform's robot or bot takes (DingTalk's take no plain text files).
      const report = Buffer.from('%PDF-1.4\nuptime 99.98 %, no incidents\n%%EOF\n');

      const answer = await gateway.operatorRequest('send', {
        channel: platform.platform,
        to: dm.id,
        message: 'The weekly report:',
        attachments: [{ fileName: 'report.pdf', mimeType: 'application/pdf', content: report.toString('base64') }],
        idempotencyKey: `contract-file-${platform.name}`,
      });

      expect(answer.error).toBeUndefined();
      await until('the file to arrive', () => files().length > before);
      expect(files().slice(before)).toEqual([{ fileName: 'report.pdf', data: report }]);
    });

    it.runIf(!platform.features.attachmentsOut)('refuses to send a file it cannot deliver, naming why', async () => {
      const answer = await gateway.operatorRequest('send', {
        channel: platform.platform,
        to: dm.id,
        message: 'The weekly report:',
        attachments: [{ fileName: 'report.txt', mimeType: 'text/plain', content: Buffer.from('report').toString('base64') }],
        idempotencyKey: `contract-no-file-${platform.name}`,
      });

      expect(answer.error?.message).toBe(`${platform.platform} cannot send files`);
    });

    it.runIf(platform.features.longConnection)('reconnects after the platform drops the connection and loses no message sent meanwhile', async () => {
      const drop = platform.dropConnection;
      const opened = platform.connectionsOpened;
      if (!drop || !opened) throw new Error(`${platform.name} receives over a long connection but cannot drop it or count connections`);
      const connections = opened.call(platform);
      const before = platform.botTexts(dm).length;

      const droppedAt = Date.now();
      await drop.call(platform);
      // Sent while the gateway is away; acked only once it is connected again.
      const delivered = deliver({ text: 'Still there after the drop?' });
      await until('the gateway to reconnect', () => opened.call(platform) > connections);
      const reconnectedAfterMs = Date.now() - droppedAt;
      await delivered;
      await waitForTexts(dm, before, (texts) => texts.includes('echo: Still there after the drop?'));
      await gateway.quiescent();

      // After a backoff (1 s, give or take its jitter), and once, not a storm of reconnects.
      expect(reconnectedAfterMs).toBeGreaterThanOrEqual(500);
      expect(opened.call(platform)).toBe(connections + 1);
      expect(platform.botTexts(dm).slice(before)).toEqual(['echo: Still there after the drop?']);
    });

    it.runIf(platform.features.rateLimitRetryAfter !== false)('sends again after the delay a rate-limited send asked for', async () => {
      const before = platform.botTexts(dm).length;
      const since = Date.now();
      platform.failSends({ kind: 'rate_limit', retryAfterSeconds: RETRY_AFTER_S }, 1);

      await deliver({ text: 'Not too fast?' });
      await waitForTexts(dm, before, (texts) => texts.includes('echo: Not too fast?'));
      await gateway.quiescent();

      expect(platform.botTexts(dm).slice(before)).toEqual(['echo: Not too fast?']);
      const attempts = platform.sendAttempts(dm).filter((attempt) => attempt.at >= since);
      const refused = attempts.findIndex((attempt) => !attempt.accepted);
      expect(refused, JSON.stringify(attempts)).toBeGreaterThanOrEqual(0);
      expect(attempts[refused + 1]?.accepted, JSON.stringify(attempts)).toBe(true);
      expect(attempts[refused + 1].at - attempts[refused].at).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1_000);
    });

    it('retries a send the platform failed with a server error, with backoff, and replies once', async () => {
      const before = platform.botTexts(dm).length;
      const since = Date.now();
      platform.failSends({ kind: 'server_error' }, 2);

      await deliver({ text: 'Are you up?' });
      await waitForTexts(dm, before, (texts) => texts.some((text) => text.endsWith('echo: Are you up?')));
      await gateway.quiescent();

      // A send that failed with a server error may have arrived: a later copy may say it is a repeat.
      const texts = platform.botTexts(dm).slice(before);
      expect(texts).toHaveLength(1);
      expect(texts[0]).toMatch(/echo: Are you up\?$/);
      const attempts = platform.sendAttempts(dm).filter((attempt) => attempt.at >= since);
      expect(attempts.map((attempt) => attempt.accepted)).toEqual([false, false, true]);
      // The queue's first retry waits between half and all of QUEUE_BACKOFF_MS.
      expect(attempts[2].at - attempts[1].at).toBeGreaterThanOrEqual(QUEUE_BACKOFF_MS / 2);
    });

    // Last: the platform keeps failing sends after it.
    it('dead-letters a reply the platform keeps failing, visible in the metrics and in `switchboard doctor`', async () => {
      const deadBefore = await dead('message.process');
      const failedBefore = await failedReplies();
      const since = Date.now();
      platform.failSends({ kind: 'server_error' }, 1_000);

      await deliver({ text: 'Is anyone there at all?' });
      await until('the reply dead-lettered', async () => (await dead('message.process')) > deadBefore);
      await gateway.quiescent();

      expect(llm.requests).toHaveLength(1);
      expect(await failedReplies()).toBe(failedBefore + 1);
      const attempts = platform.sendAttempts(dm).filter((attempt) => attempt.at >= since);
      expect(attempts.length).toBeGreaterThanOrEqual(QUEUE_ATTEMPTS);
      expect(attempts.every((attempt) => !attempt.accepted)).toBe(true);
      const doctor = await gateway.doctor();
      expect(doctor).toMatch(new RegExp(`^⚠ dead letters +.*message\\.process: ${deadBefore + 1}\\b.*last error: \\S`, 'm'));
    });
  });
}

/** The environment the suite runs a platform's gateway with (see describeChannelContract). */
export function contractGatewayEnv(platform: ContractPlatform, llm: FakeLlmServer): Record<string, string> {
  const prefix = platform.platform.toUpperCase();
  return {
    LLM_PROVIDER: 'openai-compatible',
    LLM_MODEL: 'fake-model',
    OPENAI_BASE_URL: llm.openaiBaseUrl,
    OPENAI_API_KEY: 'sk-test',
    AGENT_STREAM_EDIT_INTERVAL_MS: '200',
    QUEUE_ATTEMPTS: String(QUEUE_ATTEMPTS),
    QUEUE_BACKOFF_MS: String(QUEUE_BACKOFF_MS),
    GATEWAY_COMMAND_PERMISSIONS: `${RESTRICTED_COMMAND}:admins`,
    [`${prefix}_ALLOWED_USERS`]: platform.allowed.id,
    [`${prefix}_ALLOWED_GROUPS`]: platform.group.id,
    [`${prefix}_DM_POLICY`]: 'pairing',
    ...platform.gatewayEnv(),
  };
}

/** Text without whitespace: parts are compared with the whole regardless of where the cuts fell. */
function squash(text: string): string {
  return text.replace(/\s+/g, '');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
