import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Logger } from '@nestjs/common';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Backoff } from '@switchboard/channels/backoff';
import type { McpServerConfig } from '@switchboard/config';
import { FAKE_MCP_SERVER, FakeMcpHttpServer } from '@switchboard/testing';
import type { ToolCallContext } from '../agent-tool';
import { type McpConnectionTiming, McpServerConnection } from './mcp-server-connection';

/** Doubling from 100 ms without jitter, so the delays can be checked. */
class RecordingBackoff extends Backoff {
  readonly delays: number[] = [];
  constructor() {
    super(100, 400, () => 1);
  }
  override next(): number {
    const delay = super.next();
    this.delays.push(delay);
    return delay;
  }
}

let backoff: RecordingBackoff;
const timing: McpConnectionTiming = {
  backoff: () => (backoff = new RecordingBackoff()),
  requestTimeoutMs: 10_000,
  pingIntervalMs: 100,
  stableAfterMs: 60_000,
};

function stdioServer(extra: Partial<McpServerConfig> = {}): McpServerConfig {
  return { command: process.execPath, args: [FAKE_MCP_SERVER], requiresApproval: false, permission: 'everyone', timeoutMs: 10_000, ...extra };
}

function context(signal = new AbortController().signal): ToolCallContext {
  return { sessionId: 'session-1', platform: 'telegram', senderId: '42', signal };
}

const connections: McpServerConnection[] = [];
function connect(name: string, config: McpServerConfig): McpServerConnection {
  const connection = new McpServerConnection(name, config, timing);
  connections.push(connection);
  connection.start();
  return connection;
}

async function untilUp(connection: McpServerConnection): Promise<void> {
  await vi.waitFor(() => expect(connection.status().state).toBe('up'), { timeout: 15_000, interval: 20 });
}

function tool(connection: McpServerConnection, name: string) {
  const found = connection.tools().find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no tool ${name} in ${connection.tools().map((t) => t.name).join(', ')}`);
  return found;
}

async function text(connection: McpServerConnection, name: string, args: Record<string, unknown> = {}): Promise<string> {
  const result = await tool(connection, name).run(args, context());
  return result.content;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(() => Logger.overrideLogger(false));
afterEach(async () => {
  await Promise.all(connections.splice(0).map((connection) => connection.stop()));
});

describe('McpServerConnection over stdio', () => {
  it('offers the server\'s tools under its prefix, with their schema and the configured permission and approval', async () => {
    const connection = connect('fake', stdioServer({ requiresApproval: ['echo'], permission: 'admins', timeoutMs: 5_000 }));
    expect(connection.id).toBe('mcp:fake');
    await untilUp(connection);
    expect(connection.tools().map((t) => t.name).sort()).toEqual(
      ['fake__add_tool', 'fake__crash', 'fake__echo', 'fake__env', 'fake__fail', 'fake__picture', 'fake__pid', 'fake__wait'],
    );
    const echo = tool(connection, 'fake__echo');
    expect(echo).toMatchObject({ description: 'Repeats the text.', permission: 'admins', requiresApproval: true, timeoutMs: 5_000 });
    expect(echo.parameters).toMatchObject({ type: 'object', properties: { text: { type: 'string' } }, required: ['text'] });
    expect(echo.parameters).not.toHaveProperty('$schema');
    expect(tool(connection, 'fake__wait').requiresApproval).toBe(false);
    expect(connection.status()).toEqual({ state: 'up', tools: 8 });
  });

  it('uses a configured prefix, and approval for every tool', async () => {
    const connection = connect('fake', stdioServer({ prefix: 'f_', requiresApproval: true }));
    await untilUp(connection);
    expect(connection.tools().every((t) => t.name.startsWith('f_') && t.requiresApproval)).toBe(true);
  });

  it('calls a tool: text comes back, an error result stays an error, an image becomes a note', async () => {
    const connection = connect('fake', stdioServer({ env: { GREETING: 'hello from the config' } }));
    await untilUp(connection);
    expect(await tool(connection, 'fake__echo').run({ text: 'ping' }, context())).toEqual({ content: 'ping' });
    expect(await tool(connection, 'fake__fail').run({}, context())).toEqual({ content: 'failed on purpose', isError: true });
    expect(await text(connection, 'fake__picture')).toBe('a tiny picture\n[image image/png, 77 B, not shown]');
    expect(await text(connection, 'fake__env', { name: 'GREETING' })).toBe('hello from the config');
  });

  it('answers the model with an error when a call outlasts the tool\'s timeout, and keeps serving', async () => {
    const connection = connect('fake', stdioServer({ timeoutMs: 300 }));
    await untilUp(connection);
    expect(await tool(connection, 'fake__wait').run({ ms: 30_000 }, context())).toEqual({ content: 'fake__wait did not answer within 300 ms.', isError: true });
    expect(await text(connection, 'fake__echo', { text: 'still here' })).toBe('still here');
    expect(connection.status().state).toBe('up');
  });

  it('gives up a call when the turn is stopped', async () => {
    const connection = connect('fake', stdioServer());
    await untilUp(connection);
    const stop = new AbortController();
    const call = tool(connection, 'fake__wait').run({ ms: 30_000 }, context(stop.signal));
    stop.abort(new Error('the turn was stopped'));
    await expect(call).rejects.toThrow('the turn was stopped');
  });

  it('starts a crashed server again with backoff; its tools are gone meanwhile and come back', async () => {
    const connection = connect('fake', stdioServer());
    await untilUp(connection);
    const firstPid = Number(await text(connection, 'fake__pid'));
    const echo = tool(connection, 'fake__echo');

    expect(await tool(connection, 'fake__crash').run({}, context())).toMatchObject({ isError: true });
    expect(connection.tools()).toEqual([]);
    expect(connection.status()).toMatchObject({ state: 'down', tools: 0, lastError: 'the server process exited' });
    expect(await echo.run({ text: 'x' }, context())).toEqual({ content: 'fake__echo cannot run now: the MCP server "fake" is not connected.', isError: true });
    await untilUp(connection);
    const secondPid = Number(await text(connection, 'fake__pid'));
    expect(secondPid).not.toBe(firstPid);
    expect(processAlive(firstPid)).toBe(false);

    await tool(connection, 'fake__crash').run({}, context());
    await untilUp(connection);
    // Not up long enough to count as stable: the second wait is longer.
    expect(backoff.delays).toEqual([100, 200]);
    expect(await text(connection, 'fake__echo', { text: 'back' })).toBe('back');
  });

  it('lists the tools again when the server announces tools/list_changed', async () => {
    const connection = connect('fake', stdioServer());
    await untilUp(connection);
    await text(connection, 'fake__add_tool', { name: 'late' });
    await vi.waitFor(() => expect(connection.tools().map((t) => t.name)).toContain('fake__late'), { timeout: 10_000, interval: 20 });
    expect(await text(connection, 'fake__late')).toBe('late ran');
    expect(connection.status()).toEqual({ state: 'up', tools: 9 });
  });

  it('is down with the reason while the command cannot start, trying again', async () => {
    const connection = connect('missing', { ...stdioServer(), command: 'switchboard-no-such-mcp-server' });
    await vi.waitFor(() => expect(backoff.delays.length).toBeGreaterThanOrEqual(2), { timeout: 10_000, interval: 20 });
    expect(connection.status()).toMatchObject({ state: expect.stringMatching(/down|connecting/), tools: 0, lastError: expect.stringContaining('ENOENT') });
    expect(connection.tools()).toEqual([]);
  });

  describe('stop', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-mcp-stop-'));
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('ends the server process', async () => {
      const connection = connect('fake', stdioServer());
      await untilUp(connection);
      const pid = Number(await text(connection, 'fake__pid'));
      expect(processAlive(pid)).toBe(true);
      await connection.stop();
      expect(processAlive(pid)).toBe(false);
      expect(connection.status().state).toBe('stopped');
      expect(connection.tools()).toEqual([]);
    });

    it('ends a server process that never answered the handshake and ignores its closed input', async () => {
      const pidFile = path.join(dir, 'silent.pid');
      const silent = `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000);`;
      const connection = connect('silent', { ...stdioServer(), args: ['-e', silent] });
      await vi.waitFor(() => expect(fs.existsSync(pidFile)).toBe(true), { timeout: 10_000, interval: 20 });
      expect(connection.status().state).toBe('connecting');
      const pid = Number(fs.readFileSync(pidFile, 'utf8'));
      await connection.stop();
      expect(processAlive(pid)).toBe(false);
    });
  });
});

describe('McpServerConnection over streamable HTTP', () => {
  let server: FakeMcpHttpServer;
  beforeAll(async () => {
    server = await new FakeMcpHttpServer('s3cret-token').start();
  });
  afterAll(() => server.stop());

  function httpServer(token: string): McpServerConfig {
    return { url: server.url, headers: { Authorization: `Bearer ${token}` }, requiresApproval: false, permission: 'everyone', timeoutMs: 10_000 };
  }

  it('connects with the configured header, calls a tool, and reconnects after the server went away and came back', async () => {
    const connection = connect('remote', httpServer('s3cret-token'));
    await untilUp(connection);
    expect(connection.tools().map((t) => t.name).sort()).toEqual(['remote__add_tool', 'remote__echo', 'remote__fail', 'remote__picture', 'remote__wait']);
    expect(await text(connection, 'remote__echo', { text: 'over http' })).toBe('over http');

    await text(connection, 'remote__add_tool', { name: 'late' });
    await vi.waitFor(() => expect(connection.tools().map((t) => t.name)).toContain('remote__late'), { timeout: 10_000, interval: 20 });

    await server.stop();
    await vi.waitFor(() => expect(connection.status().state).not.toBe('up'), { timeout: 10_000, interval: 20 });
    expect(connection.tools()).toEqual([]);
    await server.start();
    await untilUp(connection);
    expect(await text(connection, 'remote__echo', { text: 'again' })).toBe('again');
  });

  it('stays down, naming the refusal, with a wrong token', async () => {
    const connection = connect('remote', httpServer('wrong'));
    await vi.waitFor(() => expect(connection.status().lastError).toMatch(/^HTTP 401: /), { timeout: 10_000, interval: 20 });
    expect(connection.tools()).toEqual([]);
    expect(server.refused).toBeGreaterThan(0);
  });
});
