import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Logger } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigModule, configSchema } from '@switchboard/config';
import { FAKE_MCP_SERVER } from '@switchboard/testing';
import { McpServers } from './mcp-servers';
import { McpModule } from './mcp.module';
import { McpProbes } from './mcp.probes';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('McpModule', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-mcp-module-'));
  const pidFile = path.join(dir, 'silent.pid');
  // Starts, never answers the handshake, and ignores its input closing.
  const silent = `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000);`;
  let moduleRef: TestingModule;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    const config = configSchema.parse({
      mcp: {
        servers: {
          fake: { command: process.execPath, args: [FAKE_MCP_SERVER] },
          silent: { command: process.execPath, args: ['-e', silent] },
        },
      },
    });
    moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forRoot(config), McpModule] }).compile();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('starts the servers in the background, reports each in /ready without failing it, and ends their processes at shutdown', async () => {
    // Returns although one server never completes its handshake.
    await moduleRef.init();
    const probes = moduleRef.get(McpProbes).list();
    expect(probes.map((probe) => probe.name)).toEqual(['mcp:fake', 'mcp:silent']);
    const [fake, silentProbe] = probes;
    await vi.waitFor(async () => expect(await fake.check()).toEqual({ state: 'up', tools: 8 }), { timeout: 15_000, interval: 50 });
    await vi.waitFor(() => expect(fs.existsSync(pidFile)).toBe(true), { timeout: 15_000, interval: 50 });
    expect(await silentProbe.check()).toEqual({ state: 'connecting', tools: 0 });

    const connection = moduleRef.get(McpServers).connections[0];
    const pid = Number((await connection.tools().find((tool) => tool.name === 'fake__pid')!.run({}, {
      sessionId: 's',
      platform: 'telegram',
      senderId: '1',
      signal: new AbortController().signal,
    })).content);
    const silentPid = Number(fs.readFileSync(pidFile, 'utf8'));

    await moduleRef.close();
    expect(processAlive(pid)).toBe(false);
    expect(processAlive(silentPid)).toBe(false);
    expect(await fake.check()).toEqual({ state: 'stopped', tools: 0 });
  });
});
