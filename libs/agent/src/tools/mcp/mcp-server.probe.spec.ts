import { describe, expect, it } from 'vitest';
import type { McpServerConfig } from '@switchboard/config';
import { FAKE_MCP_SERVER, FakeMcpHttpServer } from '@switchboard/testing';
import { probeMcpServer } from './mcp-server.probe';

const defaults = { requiresApproval: false, permission: 'everyone', timeoutMs: 60_000 } satisfies Partial<McpServerConfig>;

describe('probeMcpServer (doctor)', () => {
  it('says how the server is reached and which tools the model gets from it', async () => {
    const detail = await probeMcpServer('fake', { ...defaults, command: process.execPath, args: [FAKE_MCP_SERVER] });
    expect(detail).toBe(`stdio \`${process.execPath}\`: 8 tools (fake__echo, fake__wait, fake__fail, fake__picture, fake__add_tool, fake__pid, fake__env, fake__crash)`);
  });

  it('names the failure of a command that cannot start', async () => {
    await expect(probeMcpServer('missing', { ...defaults, command: 'switchboard-no-such-mcp-server' })).rejects.toThrow(/^stdio `switchboard-no-such-mcp-server`: .*ENOENT/);
  });

  it('names the refusal of an HTTP server, without the token', async () => {
    const server = await new FakeMcpHttpServer('right-token').start();
    try {
      const probe = probeMcpServer('remote', { ...defaults, url: server.url, headers: { Authorization: 'Bearer wrong-token' } });
      await expect(probe).rejects.toThrow(/^http:\/\/127\.0\.0\.1:\d+\/mcp: .*401/);
      await expect(probe).rejects.not.toThrow(/wrong-token/);
    } finally {
      await server.stop();
    }
  });
});
