import { spawn } from 'node:child_process';
import type { User } from 'grammy/types';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditPage, ChannelState, ErrorBody, SecuritySettings } from '@switchboard/admin-api/contract';
import { CLI, GatewayProcess, tempDir } from './support/gateway-process';
import { REDIS_URL, createTestDatabase } from './support/postgres';
import { ALICE, TelegramHarness } from './support/telegram-harness';

const PASSWORD = 'correct horse battery staple';
const API = '/api/admin';
// A Redis database of its own (queues, leases, replica buses), emptied first.
const REDIS_DB = 14;
const STRANGER: User = { id: 555000111, is_bot: false, first_name: 'Stranger', username: 'stranger' };
const NEWCOMER: User = { id: 555000222, is_bot: false, first_name: 'Newcomer', username: 'newcomer' };

/** One signed-in owner's session, usable on any replica (sessions live in the shared database). */
class AdminClient {
  private cookie = '';
  private csrf = '';

  async login(base: string, email: string): Promise<void> {
    const response = await fetch(`${base}${API}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
    expect(response.status).toBe(200);
    this.cookie = response.headers.getSetCookie().find((c) => c.startsWith('sb_admin_session='))!.split(';')[0];
    this.csrf = ((await response.json()) as { csrfToken: string }).csrfToken;
  }

  async call<T = SecuritySettings>(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
    const response = await fetch(`${base}${API}${path}`, {
      method,
      headers: { cookie: this.cookie, 'x-csrf-token': this.csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as T };
  }
}

async function until<T>(what: string, probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('settings changed in the admin API apply on every replica without a restart (PostgreSQL + Redis)', () => {
  const harness = new TelegramHarness();
  let database: { url: string; drop(): Promise<void> };
  let a: GatewayProcess;
  let b: GatewayProcess;
  const owner = new AdminClient();

  beforeAll(async () => {
    const redisUrl = new URL(REDIS_URL);
    redisUrl.pathname = `/${REDIS_DB}`;
    const redis = new Redis(redisUrl.toString());
    await redis.flushdb();
    await redis.quit();
    database = await createTestDatabase();
    await harness.start();
    const shared = { DATABASE_URL: database.url, REDIS_URL: redisUrl.toString() };
    const dataDirA = tempDir('settings-a');
    a = await harness.gateway(harness.env({ ...shared, SWITCHBOARD_DATA_DIR: dataDirA }));
    b = await harness.gateway(harness.env({ ...shared, SWITCHBOARD_DATA_DIR: tempDir('settings-b') }));
    for (const gateway of [a, b]) await until('the admin API', () => fetch(`${gateway.url}${API}/auth/config`).then((r) => r.status).catch(() => 0), (status) => status === 200);

    // The first owner, through replica A's local API.
    const created = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [CLI, 'users', 'create', '--email', 'owner@example.com', '--role', 'owner', '--password-stdin'], {
        env: { PATH: process.env.PATH ?? '', SWITCHBOARD_DATA_DIR: dataDirA, ...shared },
        stdio: ['pipe', 'ignore', 'inherit'],
      });
      child.on('exit', resolve);
      child.stdin.end(`${PASSWORD}\n`);
    });
    expect(created).toBe(0);
    await owner.login(a.url, 'owner@example.com');
  });
  afterAll(async () => {
    await harness.stop();
    await database.drop();
  });

  const securityOn = (gateway: GatewayProcess) => owner.call(gateway.url, 'GET', '/security').then((r) => r.json);

  it('opens direct messages to strangers on replica B when the DM policy is changed on replica A', async () => {
    expect(await harness.post(b, harness.telegram.build.privateText('hello', { from: STRANGER }))).toBe(200);
    const [offer] = await harness.waitForMessages(STRANGER.id, (texts) => texts.length > 0);
    expect(offer.text).toMatch(/[A-Z0-9]{4}-?[A-Z0-9]{4}/);

    const changed = await owner.call(a.url, 'PATCH', '/security', { dmPolicy: { telegram: 'open' } });
    expect(changed.status).toBe(200);
    expect(changed.json.platforms[0]).toMatchObject({ platform: 'telegram', dmPolicy: 'open', dmPolicySource: 'console' });
    await until('DM policy on B', () => securityOn(b), (s) => s.platforms[0].dmPolicy === 'open');

    harness.llm.enqueue({ text: 'Welcome, newcomer.' });
    expect(await harness.post(b, harness.telegram.build.privateText('hello', { from: NEWCOMER }))).toBe(200);
    await harness.waitForMessages(NEWCOMER.id, (texts) => texts.some((t) => t.includes('Welcome, newcomer.')));
  });

  it('restricts a slash command on replica B when its permission is changed on replica A', async () => {
    const changed = await owner.call(a.url, 'PATCH', '/security', { commandPermissions: 'status:admins' });
    expect(changed.status).toBe(200);
    await until('command permissions on B', () => securityOn(b), (s) => s.commands.commandPermissions === 'status:admins');

    // Alice is allowed (TELEGRAM_ALLOWED_USERS) but no admin; either replica's worker may run the turn.
    expect(await harness.post(b, harness.telegram.build.privateText('/status', { from: ALICE }))).toBe(200);
    await harness.waitForMessages(ALICE.id, (texts) => texts.some((t) => t === 'You are not allowed to run /status.'));
  });

  it('refuses a webhook from a denied address on replica B, and lets it through again after a reset', async () => {
    const update = () => harness.telegram.build.privateText('ping', { from: ALICE });
    expect(await harness.post(b, update())).toBe(200);
    expect((await owner.call(a.url, 'PATCH', '/security', { webhookIpDeny: ['127.0.0.0/8'] })).status).toBe(200);
    await until('webhook on B', () => harness.post(b, update()), (status) => status === 403);
    expect(await harness.post(a, update())).toBe(403);

    const reset = await owner.call(a.url, 'PATCH', '/security', { webhookIpDeny: null });
    expect(reset.json.ipRules.webhookIpDeny).toEqual({ value: [], source: 'config' });
    await until('webhook on B', () => harness.post(b, update()), (status) => status === 200);
  });

  it('refuses a bad CIDR with 400 naming the field and changes nothing', async () => {
    const refused = await owner.call<ErrorBody>(a.url, 'PATCH', '/security', { controlIpDeny: ['10.0.0.0/40'], dmPolicy: { telegram: 'pairing' } });
    expect(refused.status).toBe(400);
    expect(refused.json.error.fields).toEqual({ controlIpDeny: expect.stringContaining('CONTROL_IP_DENY: "10.0.0.0/40" has a bad prefix length') });
    const settings = await securityOn(a);
    expect(settings.ipRules.controlIpDeny).toEqual({ value: [], source: 'config' });
    expect(settings.platforms[0].dmPolicy).toBe('open');
  });

  it('disables the channel on both replicas (webhook 503, /ready and the channels screen say disabled) and enables it again', async () => {
    const disabled = await owner.call<ChannelState>(a.url, 'PATCH', '/channels/telegram', { enabled: false });
    expect(disabled.json).toMatchObject({ platform: 'telegram', state: 'disabled', enabled: false });
    await until('webhook on B', () => harness.post(b, harness.telegram.build.privateText('anyone?', { from: ALICE })), (status) => status === 503);
    const ready = (await (await fetch(`${b.url}/ready`)).json()) as { details: Record<string, unknown> };
    expect(ready.details['channel:telegram']).toMatchObject({ status: 'up', state: 'disabled' });
    expect((await owner.call<{ items: ChannelState[] }>(b.url, 'GET', '/channels')).json.items).toEqual([expect.objectContaining({ platform: 'telegram', state: 'disabled' })]);

    expect((await owner.call(a.url, 'PATCH', '/channels/telegram', { enabled: true })).status).toBe(200);
    await until('webhook on B', () => harness.post(b, harness.telegram.build.privateText('back?', { from: ALICE })), (status) => status === 200);
  });

  it('records every change in the audit log with the operator, the setting, and the value before and after', async () => {
    const audit = (await owner.call<AuditPage>(b.url, 'GET', '/audit?limit=50')).json.items;
    const ours = audit.filter((e) => e.action.startsWith('settings.') || e.action.startsWith('channel.')).map((e) => [e.action, e.targetId]);
    expect(ours.reverse()).toEqual([
      ['settings.change', 'telegram.dmPolicy'],
      ['settings.change', 'security.commandPermissions'],
      ['settings.change', 'security.webhookIpDeny'],
      ['settings.reset', 'security.webhookIpDeny'],
      ['channel.disable', 'telegram'],
      ['channel.enable', 'telegram'],
    ]);
    expect(audit.find((e) => e.targetId === 'telegram.dmPolicy')).toMatchObject({ actor: 'console:owner@example.com', before: { value: 'pairing', source: 'config' }, after: { value: 'open', source: 'console' } });
  });
});
