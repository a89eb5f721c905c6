import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { FAKE_MCP_SERVER } from '@switchboard/testing';
import { CLI, GatewayProcess, run, tempDir } from './support/gateway-process';

const running: GatewayProcess[] = [];
afterAll(async () => {
  for (const gateway of running) await gateway.stop('SIGKILL');
});

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface Ready {
  status: string;
  details: Record<string, Record<string, unknown>>;
}

async function ready(url: string): Promise<{ code: number; body: Ready }> {
  const response = await fetch(`${url}/ready`);
  return { code: response.status, body: (await response.json()) as Ready };
}

describe('MCP servers in the gateway', () => {
  it('are listed in /ready (a broken one without failing it), checked by doctor, and end with the gateway', async () => {
    const dataDir = tempDir('mcp');
    const pidFile = path.join(dataDir, 'fake-mcp.pid');
    const env = {
      SWITCHBOARD_DATA_DIR: dataDir,
      MCP_SERVERS: JSON.stringify({
        fake: { command: process.execPath, args: [FAKE_MCP_SERVER], env: { FAKE_MCP_PID_FILE: pidFile } },
        broken: { command: 'switchboard-no-such-mcp-server' },
      }),
    };
    const gateway = await GatewayProcess.start(env);
    running.push(gateway);

    const { code, body } = await vi.waitFor(
      async () => {
        const answer = await ready(gateway.url);
        expect(answer.body.details['mcp:fake']).toMatchObject({ state: 'up' });
        return answer;
      },
      { timeout: 30_000, interval: 100 },
    );
    expect(code).toBe(200);
    expect(body.details['mcp:fake']).toEqual({ status: 'up', state: 'up', tools: 8 });
    expect(body.details['mcp:broken']).toMatchObject({ status: 'up', state: expect.stringMatching(/down|connecting/), tools: 0, lastError: expect.stringContaining('ENOENT') });

    // Read before doctor starts a server process of its own (which writes the file too).
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    expect(processAlive(pid)).toBe(true);

    const doctor = await run([CLI, 'doctor'], { ...env, PORT: new URL(gateway.url).port });
    expect(doctor.stdout).toMatch(/✓ mcp fake\s+stdio `.*node.*`: 8 tools \(fake__echo, /);
    expect(doctor.stdout).toMatch(/✗ mcp broken\s+stdio `switchboard-no-such-mcp-server`: .*ENOENT/);
    expect(doctor.code).toBe(1);

    const exit = await gateway.stop('SIGTERM');
    expect(exit.code).toBe(0);
    expect(processAlive(pid)).toBe(false);
  });
});
