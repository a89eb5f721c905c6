import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from './config.error';
import { loadConfig } from './config.loader';
import { redactConfig } from './config.redact';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-mcp-config-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function yamlFile(text: string): string {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.yaml`);
  fs.writeFileSync(file, text);
  return file;
}

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('MCP server settings', () => {
  it('reads a stdio and an HTTP server from YAML, with ${VAR} in a header, and fills the defaults', () => {
    const file = yamlFile(`
mcp:
  servers:
    files:
      command: npx
      args: [-y, "@modelcontextprotocol/server-filesystem", /srv]
      env: { DEBUG: 1 }
      requiresApproval: [write_file]
    search:
      url: https://mcp.example.com/mcp
      headers:
        Authorization: Bearer \${SEARCH_TOKEN}
      prefix: web_
      permission: admins
      timeoutMs: 5000
`);
    const config = loadConfig({ env: { SEARCH_TOKEN: 'sk-123' }, configFile: file });
    expect(config.mcp.servers).toEqual({
      files: {
        command: 'npx',
        args: ['-y', '@modelcontextprotocol/server-filesystem', '/srv'],
        env: { DEBUG: '1' },
        requiresApproval: ['write_file'],
        permission: 'everyone',
        timeoutMs: 60_000,
      },
      search: {
        url: 'https://mcp.example.com/mcp',
        headers: { Authorization: 'Bearer sk-123' },
        prefix: 'web_',
        requiresApproval: false,
        permission: 'admins',
        timeoutMs: 5000,
      },
    });
  });

  it('reads servers from JSON in MCP_SERVERS, which is masked as a secret', () => {
    const config = loadConfig({ env: { MCP_SERVERS: '{"time": {"url": "http://127.0.0.1:9000/mcp", "headers": {"Authorization": "Bearer x"}}}' } });
    expect(config.mcp.servers.time.url).toBe('http://127.0.0.1:9000/mcp');
    expect(JSON.stringify(redactConfig(config))).not.toContain('Bearer x');
  });

  it('has no servers by default', () => {
    expect(loadConfig({ env: {} }).mcp.servers).toEqual({});
  });

  it('names the server and the problem of a wrong entry', () => {
    const problems = (servers: unknown) => problemsOf(() => loadConfig({ env: { MCP_SERVERS: JSON.stringify(servers) } }));
    expect(problems({ files: {} })).toEqual([
      'MCP_SERVERS (mcp.servers): "files": expected either command (a stdio server) or url (a streamable HTTP server)',
    ]);
    expect(problems({ files: { command: 'x', url: 'http://h/mcp' } })[0]).toMatch(/"files": expected either command/);
    expect(problems({ web: { url: 'http://h/mcp', args: ['a'] } })).toEqual(['MCP_SERVERS (mcp.servers): "web": args: only for a command (stdio) server']);
    expect(problems({ files: { command: 'x', headers: { A: 'b' } } })[0]).toMatch(/"files": headers: only for a url \(HTTP\) server/);
    expect(problems({ files: { command: 'x', prefix: 'files.' } })[0]).toMatch(/"files": prefix: expected 1-40 of/);
    expect(problems({ files: { command: 'x', permission: 'owners' } })[0]).toMatch(/"files": permission: expected everyone or admins/);
    expect(problems({ files: { command: 'x', requiresApproval: 'yes' } })[0]).toMatch(/"files": requiresApproval: expected true, false, or a list/);
    expect(problems({ 'my files': { command: 'x' } })[0]).toMatch(/"my files": expected server names of 1-32/);
    expect(problems({ web: { url: 'ftp://h/mcp' } })[0]).toMatch(/"web": url: expected a URL starting with https:\/\/ or http:\/\//);
    expect(problems({ files: { command: 'x', cmd: 'y' } })[0]).toMatch(/"files": .*cmd/);
  });

  it('refuses two servers whose tools would have the same names', () => {
    const problems = problemsOf(() => loadConfig({ env: { MCP_SERVERS: '{"a": {"command": "x", "prefix": "b__"}, "b": {"command": "y"}}' } }));
    expect(problems).toEqual(['MCP_SERVERS (mcp.servers): "a" and "b" have the same tool prefix "b__"']);
  });
});
