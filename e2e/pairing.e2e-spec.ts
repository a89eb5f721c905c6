import fs from 'node:fs';
import { Client } from 'pg';
import type { User } from 'grammy/types';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLI, GatewayProcess, ProcessResult, run } from './support/gateway-process';
import { createTestDatabase } from './support/postgres';
import { TelegramHarness, sleep } from './support/telegram-harness';

// Strangers: none of them is in TELEGRAM_ALLOWED_USERS (the harness lists Alice only).
const stranger = (id: number, first_name: string): User => ({ id, is_bot: false, first_name, username: first_name.toLowerCase() });
const BOB = stranger(222222222, 'Bob');
const CAROL = stranger(333333333, 'Carol');
const DAVE = stranger(444444444, 'Dave');
const ERIN = stranger(555555555, 'Erin');
const FRANK = stranger(777777777, 'Frank');
const HEIDI = stranger(999999999, 'Heidi');

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const CODE = new RegExp(`\\b[${ALPHABET}]{8}\\b`, 'g');
const APPROVED = 'You are approved: you can talk to me now.';

const harness = new TelegramHarness();
const dataDirs: string[] = [];
beforeAll(() => harness.start());
afterAll(async () => {
  await harness.stop(); // kills the gateways first
  for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => harness.llm.reset());

/** The harness's gateway environment; its data dir is removed after the file. */
function gatewayEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env = harness.env(extra);
  dataDirs.push(env.SWITCHBOARD_DATA_DIR);
  return env;
}

/** The CLI, pointed at the same data dir / database as the gateway. */
function cli(env: Record<string, string>, ...args: string[]): Promise<ProcessResult> {
  const { SWITCHBOARD_DATA_DIR, DATABASE_URL } = env;
  return run([CLI, ...args], { SWITCHBOARD_DATA_DIR, ...(DATABASE_URL ? { DATABASE_URL } : {}) });
}

/** Sends a DM from `user` and returns the pairing code the bot answers with. */
async function requestCode(gateway: GatewayProcess, user: User): Promise<string> {
  const before = harness.telegram.messagesIn(user.id).length;
  expect(await harness.post(gateway, harness.telegram.build.privateText('hi, can I use you?', { from: user }))).toBe(200);
  const messages = await harness.waitForMessages(user.id, (texts) => texts.length > before);
  const codes = messages[before].text.match(CODE);
  expect(codes, `one pairing code in ${JSON.stringify(messages[before].text)}`).toHaveLength(1);
  return codes![0];
}

/** A DM from `user`; resolves with the bot's next message in that chat. */
async function dm(gateway: GatewayProcess, user: User, text: string): Promise<string> {
  const before = harness.telegram.messagesIn(user.id).length;
  expect(await harness.post(gateway, harness.telegram.build.privateText(text, { from: user }))).toBe(200);
  const messages = await harness.waitForMessages(user.id, (texts) => texts.length > before);
  return messages[before].text;
}

/** `code` with its i-th character replaced by another one of the alphabet: well-formed but wrong. */
function wrongCode(code: string, i: number): string {
  const next = ALPHABET[(ALPHABET.indexOf(code[i]) + 1) % ALPHABET.length];
  return code.slice(0, i) + next + code.slice(i + 1);
}

const utcTime = (ms: number) => `${new Date(ms).toISOString().slice(11, 16)} UTC`;

describe('DM pairing on an embedded gateway', () => {
  let env: Record<string, string>;
  let gateway: GatewayProcess;
  beforeAll(async () => {
    // Debug level: the "code never logged" test needs the chattiest logs.
    env = gatewayEnv({ LOG_LEVEL: 'debug' });
    gateway = await harness.gateway(env);
  });

  it('gives an unknown user a code without calling the model, and lets them in once the operator approves it', async () => {
    const code = await requestCode(gateway, BOB);
    expect(harness.telegram.messagesIn(BOB.id)[0].text).toContain('valid for 1 hour');
    await sleep(300);
    expect(harness.llm.requests).toHaveLength(0);

    const list = await cli(env, 'pairing', 'list');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^telegram\\t${BOB.id}\\tBob\\texpires \\d{4}-\\d\\d-\\d\\dT`, 'm'));
    expect(list.stdout).not.toContain(code);

    // Operators type what they read: lower case works.
    const approve = await cli(env, 'pairing', 'approve', 'telegram', code.toLowerCase());
    expect(approve.stderr).toBe('');
    expect(approve.code).toBe(0);
    expect(approve.stdout).toContain(`approved telegram user ${BOB.id} (Bob)`);
    await harness.waitForMessages(BOB.id, (texts) => texts.includes(APPROVED));

    expect(await dm(gateway, BOB, 'What is 2 + 2?')).toBe('echo: What is 2 + 2?');
    expect(harness.llm.requests.map((r) => r.userText)).toEqual(['What is 2 + 2?']);
    expect((await cli(env, 'pairing', 'list')).stdout).not.toContain(String(BOB.id));
  });

  it('never writes a pairing code to its logs, even at debug level', async () => {
    const code = await requestCode(gateway, DAVE);
    expect((await cli(env, 'pairing', 'list')).code).toBe(0);
    const approve = await cli(env, 'pairing', 'approve', 'telegram', code.toLowerCase());
    expect(approve.code).toBe(0);
    await harness.waitForMessages(DAVE.id, (texts) => texts.includes(APPROVED));
    expect(await dm(gateway, DAVE, 'ping')).toBe('echo: ping');
    await sleep(300); // let the last log lines reach the pipes

    const logs = gateway.stdout + gateway.stderr;
    expect(logs.toUpperCase()).not.toContain(code);
    // The check means something only if the logs cover this user's request and approval (the
    // application's own lines, at info level, besides the HTTP request lines).
    expect(logs).toContain('"url":"/api/local/pairing/approve"');
    const bug = 'BUG: the gateway prints none of its application (Nest Logger) lines: startGateway never flushes the bufferLogs buffer';
    expect.soft(logs, bug).toContain(`pairing code issued to telegram user ${DAVE.id}`);
    expect.soft(logs, bug).toContain(`approved pairing of telegram user ${DAVE.id}`);
  });

  it('shuts a revoked user out again: their next DM gets no model reply', async () => {
    const code = await requestCode(gateway, CAROL);
    expect((await cli(env, 'pairing', 'approve', 'telegram', code)).code).toBe(0);
    await harness.waitForMessages(CAROL.id, (texts) => texts.includes(APPROVED));
    expect(await dm(gateway, CAROL, 'am I in?')).toBe('echo: am I in?');

    const revoke = await cli(env, 'pairing', 'revoke', 'telegram', String(CAROL.id));
    expect(revoke.stderr).toBe('');
    expect(revoke.code).toBe(0);
    expect(revoke.stdout).toContain(`revoked telegram user ${CAROL.id} (allowlist entry removed)`);

    // Revoked within the 10-minute cooldown of their last code: told to come back later.
    const refusal = await dm(gateway, CAROL, 'still there?');
    expect(refusal).toMatch(/message me again after \d\d:\d\d UTC/);
    await sleep(500);
    expect(harness.llm.requests.map((r) => r.userText)).toEqual(['am I in?']);
    expect(harness.telegram.messagesIn(CAROL.id).map((m) => m.text)).not.toContain('echo: still there?');
  });

  // Last: it stops the shared gateway and starts a new one on the same data dir.
  it('approves straight on the database while the gateway is stopped; the user is told once it is back', async () => {
    const code = await requestCode(gateway, HEIDI);
    expect((await gateway.stop()).code).toBe(0);

    const approve = await cli(env, 'pairing', 'approve', 'telegram', code);
    expect(approve.stderr).toBe('');
    expect(approve.code).toBe(0);
    expect(approve.stdout).toContain(`approved telegram user ${HEIDI.id} (Heidi); they are being told`);
    expect(harness.telegram.messagesIn(HEIDI.id).map((m) => m.text)).not.toContain(APPROVED);

    // The notice waited in the embedded queue table for a gateway to send it.
    gateway = await harness.gateway(env);
    await harness.waitForMessages(HEIDI.id, (texts) => texts.includes(APPROVED));
    expect(await dm(gateway, HEIDI, 'finally')).toBe('echo: finally');
  });
});

describe('DM pairing on PostgreSQL', () => {
  it('locks approvals after five wrong codes, even for the right code, and says until when', async () => {
    const db = await createTestDatabase();
    let gateway: GatewayProcess | undefined;
    try {
      const env = gatewayEnv({ DATABASE_URL: db.url });
      gateway = await harness.gateway(env);
      const code = await requestCode(gateway, ERIN);

      for (let i = 0; i < 5; i++) {
        const attempt = await cli(env, 'pairing', 'approve', 'telegram', wrongCode(code, i));
        expect(attempt.code, `attempt ${i + 1}: ${attempt.stderr}`).not.toBe(0);
        expect(attempt.stderr).toBe('switchboard: unknown pairing code for telegram; check the code and the platform\n');
      }
      const lockedAt = Date.now();

      const sixth = await cli(env, 'pairing', 'approve', 'telegram', code);
      expect(sixth.code).not.toBe(0);
      const until = /too many failed approvals; try again after (\d\d:\d\d UTC)/.exec(sixth.stderr)?.[1];
      expect(until, sixth.stderr).toBeDefined();
      // Locked for an hour from the fifth failure (allow the minute to turn while the CLI ran).
      expect([utcTime(lockedAt + 3_600_000), utcTime(lockedAt - 60_000 + 3_600_000)]).toContain(until);

      // The right code did not get through: Erin is still waiting and still refused.
      expect((await cli(env, 'pairing', 'list')).stdout).toContain(`telegram\t${ERIN.id}\tErin`);
      expect(await dm(gateway, ERIN, 'hello again')).toContain('still waiting for approval');
      expect(harness.llm.requests).toHaveLength(0);
    } finally {
      await gateway?.stop('SIGKILL');
      await db.drop();
    }
  });

  it('refuses an expired code with a clear message', async () => {
    const db = await createTestDatabase();
    let gateway: GatewayProcess | undefined;
    try {
      const env = gatewayEnv({ DATABASE_URL: db.url });
      gateway = await harness.gateway(env);
      const code = await requestCode(gateway, FRANK);

      const pg = new Client({ connectionString: db.url });
      await pg.connect();
      try {
        const expired = await pg.query(
          `UPDATE "PairingRequest" SET "expiresAt" = now() - interval '1 second' WHERE platform = 'telegram' AND "userId" = $1`,
          [String(FRANK.id)],
        );
        expect(expired.rowCount).toBe(1);
      } finally {
        await pg.end();
      }

      const approve = await cli(env, 'pairing', 'approve', 'telegram', code);
      expect(approve.code).not.toBe(0);
      expect(approve.stderr).toBe('switchboard: code expired; ask the user to message the bot again for a new one\n');
      expect((await cli(env, 'pairing', 'list')).stdout).toBe('no pending pairing requests\n');
      expect((await cli(env, 'allowlist', 'list')).stdout).not.toContain(String(FRANK.id));
    } finally {
      await gateway?.stop('SIGKILL');
      await db.drop();
    }
  });
});
