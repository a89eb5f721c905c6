import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { OpenClawClient } from 'openclaw-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connectParams, createTestDevice } from '@switchboard/control-plane/testing/ws/test-device';
import { Frame, TestSocket } from '@switchboard/control-plane/testing/ws/test-socket';
import { FakeLlmServer } from '@switchboard/testing';
import { CLI, GatewayProcess, ProcessResult, run, tempDir } from './support/gateway-process';
import { REDIS_URL, createTestDatabase } from './support/postgres';

const TOKEN = 'e2e-control-plane-token-6f3a9c';
const llm = new FakeLlmServer();
const dirs: string[] = [];

// openclaw-node 0.14 reads the global WebSocket.OPEN before every send; Node 20 has no global WebSocket.
const globals = globalThis as { WebSocket?: unknown };
globals.WebSocket ??= WebSocket;

function startGateway(env: Record<string, string> = {}): Promise<GatewayProcess> {
  const dataDir = tempDir('control-plane');
  dirs.push(dataDir);
  return GatewayProcess.start({
    SWITCHBOARD_DATA_DIR: dataDir,
    LLM_PROVIDER: 'openai-compatible',
    LLM_MODEL: 'fake-model',
    OPENAI_BASE_URL: llm.openaiBaseUrl,
    OPENAI_API_KEY: 'sk-upstream-secret',
    LLM_MAX_RETRIES: '0',
    ...env,
  });
}

const wsUrl = (gateway: GatewayProcess) => gateway.url.replace(/^http/, 'ws');

/** An openclaw-node client keeping its device identity (and device token) in a fresh file. */
function openclaw(gateway: GatewayProcess, options: { token?: string; identity?: string } = {}): OpenClawClient {
  const identity = options.identity ?? path.join(tempDir('openclaw-node'), 'device.json');
  dirs.push(path.dirname(identity));
  const client = new OpenClawClient({ url: wsUrl(gateway), token: options.token, autoReconnect: false, deviceIdentityPath: identity });
  client.on('error', () => undefined);
  return client;
}

/** The `chat` events of one run, up to its last one (final, aborted or error). */
function chatEvents(client: OpenClawClient, runId: string): Promise<Record<string, unknown>[]> {
  const events: Record<string, unknown>[] = [];
  return new Promise((resolve) => {
    const listener = (event: { event: string; payload?: Record<string, unknown> }) => {
      if (event.event !== 'chat' || event.payload?.runId !== runId) return;
      events.push(event.payload);
      if (event.payload.state !== 'delta') {
        client.off('event', listener);
        resolve(events);
      }
    };
    client.on('event', listener);
  });
}

/** A new device, approved with `cli` and connected to `gateway` with the device token it was issued. */
async function connectedDevice(gateway: GatewayProcess, cli: (...args: string[]) => Promise<ProcessResult>) {
  const device = createTestDevice();
  const connect = async (auth: { deviceToken?: string } = {}) => {
    const socket = await TestSocket.open(wsUrl(gateway));
    const answer = await socket.request('connect', connectParams({ device, ...auth, signing: { nonce: await socket.challengeNonce() } }));
    return { socket, answer };
  };
  await connect();
  expect((await cli('devices', 'approve', device.id)).code).toBe(0);
  const deviceToken = (await connect()).answer.payload.auth.deviceToken as string;
  const { socket, answer } = await connect({ deviceToken });
  expect(answer.ok).toBe(true);
  return { device, socket, reconnect: () => connect({ deviceToken }) };
}

beforeAll(() => llm.start());
afterAll(async () => {
  await llm.stop();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => llm.reset());

describe('control plane with a gateway token', () => {
  let gateway: GatewayProcess;
  let client: OpenClawClient;

  beforeAll(async () => {
    gateway = await startGateway({ GATEWAY_TOKEN: TOKEN });
    client = openclaw(gateway, { token: TOKEN });
  });
  afterAll(async () => {
    await client?.disconnect();
    await gateway?.stop('SIGKILL');
  });

  it('lets openclaw-node in with the token and its signed device identity, and answers health and status', async () => {
    const hello = await client.connect();

    expect(hello).toMatchObject({
      type: 'hello-ok',
      protocol: 4,
      auth: { role: 'operator', scopes: ['operator.read', 'operator.write'], deviceToken: expect.any(String) },
      snapshot: { health: { ok: true }, sessionDefaults: { mainSessionKey: 'agent:main:webchat:dm:main' } },
    });
    for (const method of ['health', 'status', 'sessions.list', 'chat.send', 'agent', 'send', 'models.list', 'channels.status']) {
      expect(client.hasMethod(method), method).toBe(true);
    }
    expect(await client.health()).toMatchObject({ ok: true, checks: { database: { status: 'ok', kind: 'pglite' }, queue: { status: 'ok' } } });
    expect((await client.request('health', { probe: true })).payload).toMatchObject({ ok: true });
    expect((await client.request('status')).payload).toMatchObject({
      version: expect.any(String),
      agentId: 'main',
      queue: { driver: 'in-process' },
      connections: { count: 1 },
    });
    expect((await client.request('models.list')).payload).toEqual({
      models: [{ id: 'openai-compatible:fake-model', provider: 'openai-compatible', name: 'fake-model', default: true }],
    });
  });

  it('streams a chat through a real agent turn on the fake model, then lists the session and its history', async () => {
    llm.enqueue({ text: 'Hello from the fake model, streamed in pieces.', chunks: 5, chunkDelayMs: 20 });

    const types: string[] = [];
    const texts: string[] = [];
    for await (const chunk of client.chat('Hello over the control plane')) {
      types.push(chunk.type);
      if (chunk.type === 'text') texts.push(chunk.text);
    }

    expect(texts.length).toBeGreaterThan(1);
    expect(texts.join('')).toBe('Hello from the fake model, streamed in pieces.');
    expect(types).toEqual(expect.arrayContaining(['agent_start', 'agent_end', 'done']));
    expect(llm.requests.at(-1)?.userText).toBe('Hello over the control plane');

    const list = (await client.sessions.list({ limit: 10 })) as { totalCount: number; sessions: { key: string; channel: string }[] };
    expect(list).toMatchObject({ count: 1, totalCount: 1, hasMore: false, nextOffset: null });
    expect(list.sessions[0]).toMatchObject({ key: 'agent:main:webchat:dm:main', channel: 'webchat' });
    const history = (await client.sessions.history('main')) as { messages: { role: string; content: { text: string }[] }[] };
    expect(history.messages.map((message) => [message.role, message.content[0].text])).toEqual([
      ['user', 'Hello over the control plane'],
      ['assistant', 'Hello from the fake model, streamed in pieces.'],
    ]);
  });

  it('accepts chat.send at once and streams chat events to the final message, which the next turn remembers', async () => {
    llm.enqueue({ text: 'Noted: your colour is blue.', chunks: 3 }, { text: 'Blue.' });
    const runId = randomUUID();
    const events = chatEvents(client, runId);

    const accepted = await client.request('chat.send', { sessionKey: 'e2e-colours', message: 'My colour is blue.', idempotencyKey: runId });
    expect(accepted.payload).toMatchObject({ runId, status: 'accepted', sessionKey: 'agent:main:webchat:dm:e2e-colours' });
    const received = await events;
    expect(received.map((event) => event.seq)).toEqual(received.map((_, index) => index + 1));
    expect(received.slice(0, -1).map((event) => event.deltaText).join('')).toBe('Noted: your colour is blue.');
    expect(received.at(-1)).toMatchObject({
      state: 'final',
      sessionKey: 'agent:main:webchat:dm:e2e-colours',
      message: { role: 'assistant', content: [{ type: 'text', text: 'Noted: your colour is blue.' }] },
    });

    const second = randomUUID();
    const secondEvents = chatEvents(client, second);
    await client.request('chat.send', { sessionKey: 'agent:main:webchat:dm:e2e-colours', message: 'Which colour?', idempotencyKey: second });
    await secondEvents;
    const seen = (llm.requests.at(-1)?.body as { messages: { role: string; content: string }[] }).messages;
    expect(seen.map((message) => [message.role, message.content]).slice(1)).toEqual([
      ['user', 'My colour is blue.'],
      ['assistant', 'Noted: your colour is blue.'],
      ['user', 'Which colour?'],
    ]);
  });

  it('stops a run on chat.abort and tells the watchers it was aborted', async () => {
    llm.enqueue({ text: 'This answer never ends because the model hangs halfway.', chunks: 6, hang: 'mid-stream' });
    const runId = randomUUID();
    const events = chatEvents(client, runId);
    await client.request('chat.send', { sessionKey: 'e2e-abort', message: 'Talk forever', idempotencyKey: runId });
    await new Promise<void>((resolve) => {
      const onDelta = (event: { event: string; payload?: Record<string, unknown> }) => {
        if (event.event === 'chat' && event.payload?.runId === runId) {
          client.off('event', onDelta);
          resolve();
        }
      };
      client.on('event', onDelta);
    });

    expect(await client.chatAbort('e2e-abort')).toEqual({ ok: true, aborted: true, runIds: [runId] });
    expect((await events).at(-1)).toMatchObject({ state: 'aborted', stopReason: 'aborted' });
    expect((await client.request('chat.abort', { sessionKey: 'e2e-abort' })).payload).toEqual({ ok: true, aborted: false, runIds: [] });
  });

  it('previews, resets and deletes a session for an admin, not for a plain operator', async () => {
    await expect(client.sessions.delete('e2e-colours')).rejects.toThrow('missing scope: operator.admin');
    const admin = await TestSocket.open(wsUrl(gateway));
    await admin.challengeNonce();
    await admin.request('connect', connectParams({ token: TOKEN, scopes: ['operator.admin'] }));

    const preview = await admin.request('sessions.preview', { key: 'e2e-colours' });
    expect(preview.payload).toMatchObject({ key: 'agent:main:webchat:dm:e2e-colours', status: 'ok' });
    expect(preview.payload.items.map((item: { role: string }) => item.role)).toEqual(['user', 'assistant', 'user', 'assistant']);

    expect((await admin.request('sessions.reset', { key: 'e2e-colours' })).payload).toEqual({ ok: true, key: 'agent:main:webchat:dm:e2e-colours' });
    expect((await admin.request('chat.history', { sessionKey: 'e2e-colours' })).payload.messages).toEqual([]);

    expect((await admin.request('sessions.delete', { key: 'e2e-colours' })).payload).toMatchObject({ deleted: true });
    const keys = (await admin.request('sessions.list', { search: 'e2e-colours' })).payload;
    expect(keys).toMatchObject({ count: 0, totalCount: 0 });
    admin.close();
  });

  it('refuses to chat in a chat platform session and keeps the connection', async () => {
    await expect(
      client.request('chat.send', { sessionKey: 'agent:main:telegram:dm:42', message: 'hi', idempotencyKey: randomUUID() }),
    ).rejects.toThrow('is not a web chat of agent main');
    expect(client.isConnected).toBe(true);
  });

  it('counts handshakes, method calls and connections in /metrics', async () => {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(text).toContain('switchboard_ws_handshakes_total{outcome="ok"}');
    expect(text).toMatch(/switchboard_ws_rpc_duration_seconds_count\{method="chat.send",outcome="ok"\} [1-9]/);
    expect(text).toContain('switchboard_ws_connections{role="operator"} 1');
  });

  it('answers a wrong token with AUTH_TOKEN_MISMATCH, then closes 1008', async () => {
    const socket = await TestSocket.open(wsUrl(gateway));
    await socket.challengeNonce();
    const answer = await socket.request('connect', connectParams({ token: 'not-the-token' }));

    expect(answer).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', details: { code: 'AUTH_TOKEN_MISMATCH' } } });
    expect((await socket.closed).code).toBe(1008);
  });
});

describe('control plane without a token: devices approved with the CLI', () => {
  let gateway: GatewayProcess;
  let dataDir: string;
  const cli = (...args: string[]): Promise<ProcessResult> => run([CLI, ...args], { SWITCHBOARD_DATA_DIR: dataDir });

  beforeAll(async () => {
    gateway = await startGateway();
    dataDir = dirs.at(-1)!;
  });
  afterAll(() => gateway?.stop('SIGKILL'));

  it('makes a new device wait for `switchboard devices approve`, then lets it in by its signature', async () => {
    const identity = path.join(tempDir('openclaw-node'), 'device.json');
    const first = openclaw(gateway, { identity });
    const pairing = new Promise<{ requestId?: string }>((resolve) => first.once('pairingRequired', resolve));
    await expect(first.connect()).rejects.toThrow();
    const { requestId } = await pairing;
    expect(requestId).toMatch(/^[0-9a-f]{64}$/);

    const listed = await cli('devices', 'list');
    expect(listed.stdout).toContain(`pending\t${requestId}\toperator\tgateway-client`);
    const approved = await cli('devices', 'approve', requestId!);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toContain('as operator with operator.read,operator.write');

    const again = openclaw(gateway, { identity });
    const hello = await again.connect();
    expect(hello.auth).toMatchObject({ role: 'operator', scopes: ['operator.read', 'operator.write'], deviceToken: expect.any(String) });
    expect((await again.health()).ok).toBe(true);
    await again.disconnect();
  });

  it('cuts a device off with `switchboard devices revoke`: its connection closes and its token stops working', async () => {
    const { device, socket, reconnect } = await connectedDevice(gateway, cli);

    const revoked = await cli('devices', 'revoke', device.id);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain(`revoked device ${device.id}`);
    expect(await socket.closed).toMatchObject({ code: 1008, reason: 'device revoked' });
    expect((await reconnect()).answer.error?.details?.code).toBe('AUTH_TOKEN_MISMATCH');
    expect((await cli('devices', 'revoke', device.id)).code).not.toBe(0);
  });

  it('tells connected clients it shuts down, then closes them 1012 on SIGTERM', async () => {
    const device = createTestDevice();
    const connect = async () => {
      const socket = await TestSocket.open(wsUrl(gateway));
      const answer = await socket.request('connect', connectParams({ device, signing: { nonce: await socket.challengeNonce() } }));
      return { socket, answer };
    };
    expect((await connect()).answer.error).toMatchObject({ code: 'NOT_PAIRED', details: { requestId: device.id } });
    expect((await cli('devices', 'approve', device.id)).code).toBe(0);
    const { socket: operator, answer } = await connect();
    expect(answer.ok).toBe(true);

    const stopped = gateway.stop('SIGTERM');
    const shutdown: Frame = await operator.nextEvent('shutdown');
    expect(shutdown.payload).toEqual({ reason: 'shutdown' });
    expect((await operator.closed).code).toBe(1012);
    expect((await stopped).code).toBe(0);
  });
});

describe('control plane across two replicas (PostgreSQL + Redis)', () => {
  it('streams a chat run started on one replica to a client of the other', async () => {
    const db = await createTestDatabase();
    // A Redis database of its own, so other suites' gateways do not hear these events.
    const redis = new URL(REDIS_URL);
    redis.pathname = '/6';
    const shared = { GATEWAY_TOKEN: TOKEN, DATABASE_URL: db.url, REDIS_URL: redis.toString() };
    const [first, second] = await Promise.all([startGateway(shared), startGateway(shared)]);
    const sender = openclaw(first, { token: TOKEN });
    const watcher = openclaw(second, { token: TOKEN });
    try {
      await Promise.all([sender.connect(), watcher.connect()]);
      llm.enqueue({ text: 'Heard on both replicas.', chunks: 3, chunkDelayMs: 50 });
      // Subscriptions are set up as the gateways start; give the second replica's a moment.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const runId = randomUUID();
      const seenBySender = chatEvents(sender, runId);
      const seenByWatcher = chatEvents(watcher, runId);

      await sender.request('chat.send', { sessionKey: 'e2e-replicas', message: 'Hello from replica one', idempotencyKey: runId });

      const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no complete run within 10 s')), 10_000));
      const [own, other] = await Promise.race([Promise.all([seenBySender, seenByWatcher]), timeout]);
      expect(other).toEqual(own);
      expect(other.at(-1)).toMatchObject({ state: 'final', message: { content: [{ type: 'text', text: 'Heard on both replicas.' }] } });

      // The watcher stops a long run that the other replica runs.
      llm.enqueue({ text: 'word '.repeat(200), chunks: 200, chunkDelayMs: 50 });
      const longRun = randomUUID();
      const longEvents = chatEvents(watcher, longRun);
      await sender.request('chat.send', { sessionKey: 'e2e-replicas', message: 'Talk for a while', idempotencyKey: longRun });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const abort = await watcher.request('chat.abort', { sessionKey: 'e2e-replicas', runId: longRun });
      expect(abort.payload).toMatchObject({ ok: true, aborted: false }); // not a run of this replica
      expect((await longEvents).at(-1)).toMatchObject({ state: 'aborted' });
    } finally {
      await Promise.all([sender.disconnect(), watcher.disconnect()]);
      await Promise.all([first.stop('SIGKILL'), second.stop('SIGKILL')]);
      await db.drop();
    }
  });
});

describe('device revocation across two replicas (PostgreSQL + Redis)', () => {
  let db: { url: string; drop(): Promise<void> };
  let shared: Record<string, string>;
  let first: GatewayProcess;
  let firstDataDir: string;
  let second: GatewayProcess;

  beforeAll(async () => {
    db = await createTestDatabase();
    const redis = new URL(REDIS_URL);
    redis.pathname = '/6';
    shared = { DATABASE_URL: db.url, REDIS_URL: redis.toString() };
    first = await startGateway(shared);
    firstDataDir = dirs.at(-1)!;
    second = await startGateway(shared);
  });
  afterAll(async () => {
    await Promise.all([first?.stop('SIGKILL'), second?.stop('SIGKILL')]);
    await db?.drop();
  });

  it('closes the connections of a revoked device on the other replica too, and refuses its token there at once', async () => {
    // The CLI goes through the running replica whose data dir it is given.
    const cli = (...args: string[]) => run([CLI, ...args], { SWITCHBOARD_DATA_DIR: firstDataDir, ...shared });
    const { device, socket, reconnect } = await connectedDevice(second, cli);

    const revoked = await cli('devices', 'revoke', device.id);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(await socket.closed).toMatchObject({ code: 1008, reason: 'device revoked' });
    expect((await reconnect()).answer.error?.details?.code).toBe('AUTH_TOKEN_MISMATCH');
  });

  it('does the same when the CLI finds no gateway and revokes on the database', async () => {
    // A data dir of no running gateway: the CLI works on PostgreSQL and tells the replicas over Redis.
    const cli = (...args: string[]) => run([CLI, ...args], { SWITCHBOARD_DATA_DIR: tempDir('cli-alone'), ...shared });
    const { device, socket, reconnect } = await connectedDevice(second, cli);

    const revoked = await cli('devices', 'revoke', device.id);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(await socket.closed).toMatchObject({ code: 1008, reason: 'device revoked' });
    expect((await reconnect()).answer.error?.details?.code).toBe('AUTH_TOKEN_MISMATCH');
  });
});
