import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { User } from 'grammy/types';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ROUTES, AdminRoute, PERMISSIONS, ROLES, Role, roleHas } from '@switchboard/admin-api/contract';
import { CLI, GatewayProcess, ProcessResult, run, tempDir } from './support/gateway-process';
import { createTestDatabase } from './support/postgres';
import { TelegramHarness } from './support/telegram-harness';

const STRANGER: User = { id: 777000111, is_bot: false, first_name: 'Stranger', username: 'stranger' };
const PASSWORD = 'correct horse battery staple';
const API = '/api/admin';

/** A console client: the session cookie and CSRF token of one signed-in operator. */
class Console {
  cookie = '';
  csrf = '';

  constructor(
    private readonly base: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  async login(email: string, password = PASSWORD): Promise<Response> {
    const response = await fetch(`${this.base}${API}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.headers },
      body: JSON.stringify({ email, password }),
    });
    const setCookie = response.headers.getSetCookie().find((c) => c.startsWith('sb_admin_session='));
    if (response.ok && setCookie) {
      this.cookie = setCookie.split(';')[0];
      this.csrf = ((await response.clone().json()) as { csrfToken: string }).csrfToken;
    }
    return response;
  }

  call(method: string, path: string, body?: unknown, options: { csrf?: string | null; signal?: AbortSignal } = {}): Promise<Response> {
    const csrf = options.csrf === undefined ? this.csrf : options.csrf;
    return fetch(`${this.base}${API}${path}`, {
      method,
      headers: {
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(csrf ? { 'x-csrf-token': csrf } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...this.headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: options.signal,
    });
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.call(method, path, body);
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }
}

/** Runs the CLI with `input` on its stdin. */
function runWithStdin(args: string[], env: Record<string, string>, input: string): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** A request each role can make on a route: valid input, on nothing that exists unless said. */
function example(name: string, route: AdminRoute, role: Role): { path: string; body?: unknown; expect: number } {
  const unknown = randomUUID();
  const examples: Record<string, { path?: string; body?: unknown; expect?: number }> = {
    // Telegram user ids are numbers (the allowlist refuses any other shape).
    allowlistAdd: { body: { platform: 'telegram', userId: String(9_100_000 + ROLES.indexOf(role)) } },
    allowlistRemove: { path: `/allowlist/telegram/${9_200_000 + ROLES.indexOf(role)}` },
    allowlistImport: { body: { csv: 'platform,userId\ntelegram,9300000\n', dryRun: true } },
    // A made-up platform: wrong codes count against that platform's approval limit only.
    pairingApprove: { body: { platform: 'matrixtest', code: 'ZZZZ-ZZZZ' }, expect: 404 },
    pairingDeny: { path: `/pairing/${unknown}/deny`, expect: 404 },
    sessionDetail: { path: `/sessions/${unknown}`, expect: 404 },
    sessionReset: { path: `/sessions/${unknown}/reset`, expect: 404 },
    sessionDelete: { path: `/sessions/${unknown}`, expect: 404 },
    deviceApprove: { path: '/devices/requests/nope/approve', expect: 404 },
    deviceReject: { path: '/devices/requests/nope/reject', expect: 404 },
    deviceRevoke: { path: '/devices/nope/revoke', expect: 404 },
    apiKeyCreate: { body: { name: `matrix-${role}` } },
    apiKeyRevoke: { path: `/api-keys/none-${role}/revoke`, expect: 404 },
    operatorCreate: { body: { email: `matrix-${role}@example.com`, role: 'auditor', password: PASSWORD } },
    operatorUpdate: { path: `/operators/${unknown}`, body: { displayName: 'x' }, expect: 404 },
    // Changes nothing: no field, or the channel switched on as it is.
    securityUpdate: { body: {} },
    channelUpdate: { path: '/channels/telegram', body: { enabled: true } },
  };
  const chosen = examples[name] ?? {};
  return { path: chosen.path ?? route.path, body: chosen.body ?? (route.method === 'GET' || route.method === 'DELETE' ? undefined : {}), expect: chosen.expect ?? 200 };
}

describe('admin API against the built gateway on PostgreSQL', () => {
  const harness = new TelegramHarness();
  const dataDir = tempDir('admin-api');
  let database: { url: string; drop(): Promise<void> };
  let gateway: GatewayProcess;
  let base: string;
  let owner: Console;
  const consoles = {} as Record<Role, Console>;
  const cliEnv = () => ({ PATH: process.env.PATH ?? '', SWITCHBOARD_DATA_DIR: dataDir, DATABASE_URL: database.url });
  const cli = (args: string[]): Promise<ProcessResult> => run([CLI, ...args], cliEnv());

  beforeAll(async () => {
    database = await createTestDatabase();
    await harness.start();
    gateway = await harness.gateway(harness.env({ SWITCHBOARD_DATA_DIR: dataDir, DATABASE_URL: database.url, TRUSTED_PROXIES: '127.0.0.1' }));
    base = gateway.url;
    // The URL is printed before the application is ready.
    for (;;) {
      const response = await fetch(`${base}${API}/auth/config`).catch(() => null);
      if (response?.status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
  afterAll(async () => {
    await harness.stop();
    await database.drop();
  });

  it('prints a one-time setup link while no operator exists', async () => {
    expect(gateway.stdout + gateway.stderr).toMatch(/\/admin\/setup\/\?token=[\w-]{20,}/);
    expect(await (await fetch(`${base}${API}/auth/config`)).json()).toMatchObject({ local: true, setupRequired: true, sso: { enabled: false } });
  });

  it('creates the first owner with `switchboard users create` (through the running gateway), audited as cli:<os user>', async () => {
    const created = await runWithStdin([CLI, 'users', 'create', '--email', 'owner@example.com', '--role', 'owner', '--password-stdin'], cliEnv(), `${PASSWORD}\n`);
    expect(created.stderr).toBe('');
    expect(created.stdout).toBe('created owner owner@example.com\n');
    owner = new Console(base);
    expect((await owner.login('owner@example.com')).status).toBe(200);
    const audit = await owner.json<{ items: Array<{ actor: string; action: string; targetId: string }> }>('GET', '/audit?action=operator.create');
    expect(audit.items).toContainEqual(expect.objectContaining({ actor: `cli:${os.userInfo().username}`, action: 'operator.create', targetId: 'owner@example.com' }));

    consoles.owner = owner;
    for (const role of ROLES.filter((r) => r !== 'owner')) {
      await owner.json('POST', '/operators', { email: `${role}@example.com`, role, password: PASSWORD });
      consoles[role] = new Console(base);
      expect((await consoles[role].login(`${role}@example.com`)).status).toBe(200);
    }
  });

  it('lists every route of the running app in the OpenAPI document, each with the permission of the contract', async () => {
    const document = (await (await fetch(`${base}${API}/openapi.json`)).json()) as { paths: Record<string, Record<string, { 'x-permission'?: string }>> };
    const served = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => `${method.toUpperCase()} ${path} ${operation['x-permission']}`),
    );
    const declared = Object.values(ADMIN_ROUTES).map((r) => `${r.method} ${API}${r.path.replace(/:(\w+)/g, '{$1}')} ${r.access}`);
    expect(served.sort()).toEqual(declared.sort());
    for (const entry of served) expect(entry).not.toMatch(/ undefined$/);
  });

  it('answers 401 on every route that needs a session when there is none', async () => {
    const anonymous = new Console(base);
    for (const [name, route] of Object.entries(ADMIN_ROUTES) as Array<[string, AdminRoute]>) {
      if (route.access === 'public') continue;
      const { path, body } = example(name, route, 'owner');
      const response = await anonymous.call(route.method, path, body, { csrf: null });
      expect(`${name} ${response.status}`).toBe(`${name} 401`);
    }
  });

  it('gives each role 2xx (or 404 for what does not exist) where the table allows, 403 elsewhere', async () => {
    const controller = new AbortController();
    for (const role of ROLES) {
      for (const [name, route] of Object.entries(ADMIN_ROUTES) as Array<[string, AdminRoute]>) {
        if (route.access === 'public' || route.access === 'signed-in') continue;
        const { path, body, expect: allowed } = example(name, route, role);
        const response = await consoles[role].call(route.method, path, body, { signal: controller.signal });
        const expected = roleHas(role, route.access) ? allowed : 403;
        expect(`${role} ${name} ${response.status}`).toBe(`${role} ${name} ${expected}`);
        // The SSE stream stays open: headers are enough.
        if (route.produces === 'text/event-stream') await response.body?.cancel();
        else await response.arrayBuffer();
      }
    }
    expect(PERMISSIONS.filter((p) => roleHas('auditor', p)).every((p) => p.endsWith('.read'))).toBe(true);
  });

  it('refuses a state change without the CSRF token, or with another session\'s', async () => {
    const add = { platform: 'telegram', userId: '9400001' };
    expect((await owner.call('POST', '/allowlist', add, { csrf: null })).status).toBe(403);
    expect((await owner.call('POST', '/allowlist', add, { csrf: consoles.admin.csrf })).status).toBe(403);
    const list = await owner.json<{ items: Array<{ userId: string }> }>('GET', '/allowlist?search=9400001');
    expect(list.items).toEqual([]);
    expect((await owner.call('POST', '/allowlist', add)).status).toBe(200);
  });

  it('sets the session cookie httpOnly and SameSite=Lax, Secure only behind a trusted TLS proxy', async () => {
    const plain = await new Console(base).login('admin@example.com');
    const cookie = plain.headers.getSetCookie().find((c) => c.startsWith('sb_admin_session='))!;
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).not.toMatch(/; Secure/);
    expect(cookie).toMatch(/; Path=\//);

    const proxied = await new Console(base, { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' }).login('admin@example.com');
    expect(proxied.headers.getSetCookie().find((c) => c.startsWith('sb_admin_session='))).toMatch(/; Secure/);
  });

  it('locks an account after repeated wrong passwords, even for the right one, and records the lock', async () => {
    await owner.json('POST', '/operators', { email: 'victim@example.com', role: 'operator', password: PASSWORD });
    const attacker = new Console(base, { 'x-forwarded-for': '198.51.100.7' });
    for (let i = 0; i < 5; i += 1) expect((await attacker.login('victim@example.com', 'wrong password!!')).status).toBe(401);
    const locked = await new Console(base).login('victim@example.com');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    const audit = await owner.json<{ items: Array<{ actor: string; targetId: string }> }>('GET', '/audit?action=operator.locked');
    expect(audit.items).toContainEqual(expect.objectContaining({ actor: 'system', targetId: 'victim@example.com' }));
  });

  it('throttles sign-in per client address across accounts', async () => {
    const attacker = new Console(base, { 'x-forwarded-for': '198.51.100.99' });
    let status = 0;
    let attempts = 0;
    while (status !== 429 && attempts < 40) {
      attempts += 1;
      status = (await attacker.login(`nobody-${attempts}@example.com`, 'guess guess guess')).status;
    }
    expect(status).toBe(429);
    expect(attempts).toBe(31);
    // Even a right password from that address waits; another address is not affected.
    expect((await attacker.login('admin@example.com')).status).toBe(429);
    expect((await new Console(base, { 'x-forwarded-for': '198.51.100.100' }).login('admin@example.com')).status).toBe(200);
  });

  it('signs an operator out everywhere', async () => {
    const first = new Console(base);
    const second = new Console(base);
    await first.login('operator@example.com');
    await second.login('operator@example.com');
    expect((await second.call('GET', '/auth/session')).status).toBe(200);
    expect(await first.json('POST', '/auth/logout-everywhere')).toEqual({ endedSessions: 3 });
    expect((await first.call('GET', '/auth/session')).status).toBe(401);
    expect((await second.call('GET', '/auth/session')).status).toBe(401);
    expect((await consoles.operator.call('GET', '/auth/session')).status).toBe(401);
    await consoles.operator.login('operator@example.com');
  });

  it('shows a new pairing request on the live feed, and its approval', async () => {
    const controller = new AbortController();
    const stream = await consoles.operator.call('GET', '/pairing/events', undefined, { signal: controller.signal });
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events: Array<{ event: string; data: { type?: string; request?: { userId: string; id: string }; id?: string; status?: string } }> = [];
    const reading = (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
        }
      }
    })().catch(() => undefined);
    const waitFor = async (ok: () => boolean) => {
      while (!ok()) await new Promise((resolve) => setTimeout(resolve, 20));
    };
    await waitFor(() => events.some((e) => e.event === 'ready'));

    expect(await harness.post(gateway, harness.telegram.build.privateText('hi', { from: STRANGER }))).toBe(200);
    const [offer] = await harness.waitForMessages(STRANGER.id, (texts) => texts.length > 0);
    const code = /\b([A-Z0-9]{4}-?[A-Z0-9]{4})\b/.exec(offer.text)?.[1];
    expect(code).toBeDefined();
    await waitFor(() => events.some((e) => e.event === 'pairing.requested' && e.data.request?.userId === String(STRANGER.id)));
    const requested = events.find((e) => e.event === 'pairing.requested')!.data.request!;

    expect(await consoles.operator.json('POST', '/pairing/approve', { platform: 'telegram', code })).toMatchObject({ userId: String(STRANGER.id) });
    await waitFor(() => events.some((e) => e.event === 'pairing.resolved' && e.data.id === requested.id && e.data.status === 'approved'));
    await harness.waitForMessages(STRANGER.id, (texts) => texts.some((t) => t.includes('You are approved')));
    controller.abort();
    await reading;
  });

  it('lets the auditor see the changes in the audit log and change nothing', async () => {
    expect((await cli(['allowlist', 'add', 'telegram', '9400002'])).code).toBe(0);
    expect((await cli(['apikeys', 'create', '--name', 'made-with-cli'])).code).toBe(0);
    const auditor = consoles.auditor;
    const events = await auditor.json<{ items: Array<{ actor: string; action: string; targetId: string | null }> }>('GET', '/audit?limit=500');
    expect(events.items).toContainEqual(expect.objectContaining({ actor: 'console:owner@example.com', action: 'allowlist.add', targetId: 'telegram:9400001' }));
    expect(events.items).toContainEqual(expect.objectContaining({ actor: 'console:operator@example.com', action: 'pairing.approve', targetId: `telegram:${STRANGER.id}` }));
    expect(events.items).toContainEqual(expect.objectContaining({ actor: `cli:${os.userInfo().username}`, action: 'allowlist.add', targetId: 'telegram:9400002' }));
    expect(events.items).toContainEqual(expect.objectContaining({ actor: `cli:${os.userInfo().username}`, action: 'apikey.create', targetId: 'made-with-cli' }));
    expect((await auditor.call('POST', '/allowlist', { platform: 'telegram', userId: '9400003' })).status).toBe(403);
    expect((await auditor.call('DELETE', `/allowlist/telegram/${STRANGER.id}`)).status).toBe(403);

    const jsonl = await (await auditor.call('GET', '/audit/export?format=jsonl')).text();
    const lines = jsonl.trim().split('\n').map((line) => JSON.parse(line) as { seq: string });
    expect(lines.map((e) => Number(e.seq))).toEqual(lines.map((_, i) => i + 1));
    const csv = await (await auditor.call('GET', '/audit/export?format=csv&action=allowlist.')).text();
    expect(csv.split('\r\n')[0]).toBe('seq,createdAt,actor,action,targetType,targetId,before,after,ip,userAgent,prevHash,hash');
  });

  it('`switchboard audit verify` passes on the intact log and names the first row edited in SQL', async () => {
    const intact = await cli(['audit', 'verify']);
    expect(intact.code).toBe(0);
    expect(intact.stdout).toMatch(/^audit log intact: \d+ events checked/);

    // A superuser can get past the trigger; the hash chain still tells.
    const client = new Client({ connectionString: database.url });
    await client.connect();
    await expect(client.query(`UPDATE "AuditEvent" SET actor = 'someone-else' WHERE seq = 3`)).rejects.toThrow(/append-only/);
    await client.query('ALTER TABLE "AuditEvent" DISABLE TRIGGER USER');
    await client.query(`UPDATE "AuditEvent" SET actor = 'someone-else' WHERE seq = 3`);
    await client.query('ALTER TABLE "AuditEvent" ENABLE TRIGGER USER');
    await client.end();

    const broken = await cli(['audit', 'verify']);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/NOT intact: event 3 was altered/);
    expect(await owner.json('GET', '/audit/verify')).toMatchObject({ intact: false, firstBad: { seq: '3' } });
  });

  it('ends open live feeds when it shuts down, and exits cleanly', async () => {
    const stream = await consoles.auditor.call('GET', '/pairing/events');
    expect(stream.status).toBe(200);
    const drained = (async () => {
      for await (const _ of stream.body as unknown as AsyncIterable<Uint8Array>) void _;
    })();
    const exit = await gateway.stop('SIGTERM');
    expect(exit.code).toBe(0);
    await drained;
  });
});
