import { describe, expect, it } from 'vitest';
import { ConfigError } from './config.error';
import { loadConfig } from './config.loader';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig({ env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('agent settings', () => {
  it('reads personalities, busy modes and prices from JSON in environment variables', () => {
    const config = loadConfig({
      env: {
        AGENT_PERSONALITIES: '{"pirate": "You talk like a pirate."}',
        AGENT_BUSY_MODE: 'merge',
        AGENT_BUSY_MODE_BY_PLATFORM: '{"telegram": "queue"}',
        LLM_PRICES: '{"anthropic:claude-sonnet-4-5": {"input": 3, "output": 15}}',
      },
    });
    expect(config.agent).toMatchObject({ personalities: { pirate: 'You talk like a pirate.' }, busyMode: 'merge', busyModeByPlatform: { telegram: 'queue' } });
    expect(config.llm.prices).toEqual({ 'anthropic:claude-sonnet-4-5': { input: 3, output: 15 } });
  });

  it('defaults to interrupt, no personalities and no prices', () => {
    const config = loadConfig({ env: {} });
    expect(config.agent).toMatchObject({ busyMode: 'interrupt', busyModeByPlatform: {}, personalities: {} });
    expect(config.llm.prices).toEqual({});
  });

  it('names the key of a wrong value', () => {
    expect(problemsOf({ AGENT_BUSY_MODE: 'later' }).join('\n')).toMatch(/AGENT_BUSY_MODE.*interrupt, queue, merge/);
    expect(problemsOf({ AGENT_PERSONALITIES: 'pirate' }).join('\n')).toMatch(/AGENT_PERSONALITIES.*expected a map/);
    expect(problemsOf({ AGENT_PERSONALITIES: '{"Pirate Captain": "Arr"}' })).toEqual([
      'AGENT_PERSONALITIES (agent.personalities): "Pirate Captain": expected names of 1-32 of a-z 0-9 _ -',
    ]);
    expect(problemsOf({ LLM_PRICES: '{"gpt-4o": {"input": 1, "output": 2}}' }).join('\n')).toMatch(/^LLM_PRICES \(llm.prices\): "gpt-4o": expected provider:model/);
    expect(problemsOf({ LLM_PRICES: '{"echo:echo": {"input": -1, "output": 2}}' }).join('\n')).toMatch(/^LLM_PRICES \(llm.prices\): "echo:echo": input: /);
  });

  it('reads the compression threshold and timeout, off by default, and names a wrong one', () => {
    expect(loadConfig({ env: {} }).agent).toMatchObject({ compressAtTokens: 0, compressTimeoutMs: 60_000 });
    expect(loadConfig({ env: { AGENT_COMPRESS_AT_TOKENS: '8000', AGENT_COMPRESS_TIMEOUT_MS: '5000' } }).agent).toMatchObject({ compressAtTokens: 8000, compressTimeoutMs: 5000 });
    expect(problemsOf({ AGENT_COMPRESS_AT_TOKENS: 'lots' }).join('\n')).toMatch(/^AGENT_COMPRESS_AT_TOKENS \(agent.compressAtTokens\)/);
    expect(problemsOf({ AGENT_COMPRESS_AT_TOKENS: '-1' }).join('\n')).toMatch(/^AGENT_COMPRESS_AT_TOKENS/);
    expect(problemsOf({ AGENT_COMPRESS_TIMEOUT_MS: '10' }).join('\n')).toMatch(/^AGENT_COMPRESS_TIMEOUT_MS/);
  });
});

describe('agent tool settings', () => {
  it('turns built-in tools on by name and reads the approval list, hosts and limits', () => {
    const config = loadConfig({
      env: {
        AGENT_TOOLS: 'current_time, http_fetch',
        AGENT_TOOLS_REQUIRING_APPROVAL: 'http_fetch,mcp_files_write',
        AGENT_HTTP_FETCH_HOSTS: 'Example.com,*.wikipedia.org,127.0.0.1:8080',
        AGENT_TOOL_MAX_STEPS: '3',
        AGENT_TOOL_PROGRESS: 'all',
        AGENT_TOOL_APPROVAL_TTL: '60',
      },
    });
    expect(config.agent).toMatchObject({
      tools: ['current_time', 'http_fetch'],
      toolsRequiringApproval: ['http_fetch', 'mcp_files_write'],
      httpFetchHosts: ['example.com', '*.wikipedia.org', '127.0.0.1:8080'],
      toolMaxSteps: 3,
      toolProgress: 'all',
      toolApprovalTtlSeconds: 60,
    });
  });

  it('has no tools by default', () => {
    expect(loadConfig({ env: {} }).agent).toMatchObject({ tools: [], toolsRequiringApproval: [], httpFetchHosts: [], toolMaxSteps: 8, toolProgress: 'new' });
  });

  it('names the key of an unknown tool or a wrong limit', () => {
    expect(problemsOf({ AGENT_TOOLS: 'current_time,shell' }).join('\n')).toMatch(/AGENT_TOOLS.*current_time, session_info, http_fetch/);
    expect(problemsOf({ AGENT_TOOL_MAX_STEPS: '0' }).join('\n')).toMatch(/AGENT_TOOL_MAX_STEPS.*from 1 to 50/);
    expect(problemsOf({ AGENT_TOOL_PROGRESS: 'some' }).join('\n')).toMatch(/AGENT_TOOL_PROGRESS.*off, new, all/);
    expect(problemsOf({ AGENT_HTTP_FETCH_HOSTS: 'http://example.com' }).join('\n')).toMatch(/AGENT_HTTP_FETCH_HOSTS.*host names/);
    expect(problemsOf({ AGENT_TOOLS: 'http_fetch' })).toEqual(['AGENT_HTTP_FETCH_HOSTS (agent.httpFetchHosts): required when AGENT_TOOLS has http_fetch (the hosts it may reach)']);
  });
});
