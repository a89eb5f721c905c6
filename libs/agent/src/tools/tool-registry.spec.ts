import { describe, expect, it } from 'vitest';
import { configSchema } from '@switchboard/config';
import { permissionsFor } from '../testing/command-registry-for';
import type { AgentTool, ToolSource } from './agent-tool';
import { TOOL_RESULT_MAX_CHARS, ToolRegistry } from './tool-registry';

const tool = (name: string, overrides: Partial<AgentTool> = {}): AgentTool => ({
  name,
  description: name,
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  permission: 'everyone',
  requiresApproval: false,
  timeoutMs: 1_000,
  run: async () => ({ content: 'ok' }),
  ...overrides,
});

function registryOf(sources: ToolSource[], security: Record<string, unknown> = {}, agent: Record<string, unknown> = {}) {
  const config = configSchema.parse({ security: { adminUsers: ['root'], ...security }, agent });
  return new ToolRegistry(sources, permissionsFor(config), config);
}

const ada = { platform: 'telegram', senderId: 'ada' };
const call = (name: string, args: unknown) => ({ id: 'c1', name, arguments: typeof args === 'string' ? args : JSON.stringify(args) });
const context = (signal = new AbortController().signal) => ({ sessionId: 's', platform: 'telegram', senderId: 'ada', signal });

describe('ToolRegistry', () => {
  it('gathers the tools of every source each time, leaving out a name taken already or not allowed', () => {
    let later: AgentTool[] = [];
    const registry = registryOf([
      { id: 'a', tools: () => [tool('weather'), tool('bad name')] },
      { id: 'b', tools: () => [tool('weather'), ...later] },
    ]);
    expect([...registry.tools().keys()]).toEqual(['weather']);
    later = [tool('mcp_files_read')];
    expect([...registry.tools().keys()]).toEqual(['weather', 'mcp_files_read']);
  });

  it('checks arguments against the JSON Schema and answers the model with what is wrong', () => {
    const registry = registryOf([{ id: 'a', tools: () => [tool('weather')] }]);
    const tools = registry.tools();
    expect(registry.check(tools, call('weather', { city: 'Oslo' }), ada)).toMatchObject({ args: { city: 'Oslo' } });
    expect(registry.check(tools, call('weather', {}), ada)).toEqual({ refused: { content: "Invalid arguments for weather: arguments must have required property 'city'.", isError: true } });
    expect(registry.check(tools, call('weather', '{"city":'), ada)).toEqual({ refused: { content: 'The arguments of weather are not valid JSON.', isError: true } });
    expect(registry.check(tools, call('weather', '[1]'), ada)).toMatchObject({ refused: { content: 'The arguments of weather must be a JSON object.' } });
    expect(registry.check(tools, call('radio', {}), ada)).toMatchObject({ refused: { content: 'There is no tool named "radio". Tools: weather.' } });
  });

  it('takes tool names as permission keys, like commands (GATEWAY_COMMAND_PERMISSIONS)', () => {
    const registry = registryOf([{ id: 'a', tools: () => [tool('weather'), tool('vault', { permission: 'admins' })] }], { commandPermissions: 'weather:admins' });
    const tools = registry.tools();
    expect(registry.check(tools, call('weather', { city: 'Oslo' }), ada)).toMatchObject({ refused: { content: 'The user who sent this message is not allowed to use weather.' } });
    expect(registry.check(tools, call('vault', { city: 'Oslo' }), ada)).toMatchObject({ refused: expect.anything() });
    expect(registry.check(tools, call('vault', { city: 'Oslo' }), { platform: 'telegram', senderId: 'root' })).toMatchObject({ args: { city: 'Oslo' } });
  });

  it('asks for approval of a tool that says so, or that AGENT_TOOLS_REQUIRING_APPROVAL lists', () => {
    const registry = registryOf([], {}, { toolsRequiringApproval: ['weather'] });
    expect(registry.requiresApproval(tool('weather'))).toBe(true);
    expect(registry.requiresApproval(tool('vault', { requiresApproval: true }))).toBe(true);
    expect(registry.requiresApproval(tool('radio'))).toBe(false);
  });

  it('turns a failure or a timeout into an error result, and caps a long result', async () => {
    const registry = registryOf([]);
    const failing = tool('failing', { run: async () => Promise.reject(new Error('no network')) });
    expect(await registry.execute(failing, {}, context())).toEqual({ content: 'failing failed: no network', isError: true });
    const slow = tool('slow', { timeoutMs: 50, run: () => new Promise(() => undefined) });
    expect(await registry.execute(slow, {}, context())).toEqual({ content: 'slow did not finish within 50 ms.', isError: true });
    const long = tool('long', { run: async () => ({ content: 'x'.repeat(TOOL_RESULT_MAX_CHARS + 10) }) });
    const { content } = await registry.execute(long, {}, context());
    expect(content).toHaveLength(TOOL_RESULT_MAX_CHARS + `\n[cut: the result had ${TOOL_RESULT_MAX_CHARS + 10} characters]`.length);
  });

  it('rejects with the stop reason when the turn is stopped during a call', async () => {
    const registry = registryOf([]);
    const stop = new AbortController();
    const slow = tool('slow', { timeoutMs: 10_000, run: () => new Promise(() => undefined) });
    const running = registry.execute(slow, {}, context(stop.signal));
    stop.abort(new Error('stopped by /stop'));
    await expect(running).rejects.toThrow('stopped by /stop');
  });
});
