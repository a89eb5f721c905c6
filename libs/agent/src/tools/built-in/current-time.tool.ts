import type { AgentTool, ToolResult } from '../agent-tool';

/** The date and time now, in the time zone asked for (IANA name) or UTC. */
export const currentTimeTool: AgentTool = {
  name: 'current_time',
  description: 'The current date and time. Optionally in an IANA time zone such as "Europe/Berlin" (default UTC).',
  parameters: {
    type: 'object',
    properties: { timeZone: { type: 'string', description: 'IANA time zone name, e.g. "America/New_York".' } },
    additionalProperties: false,
  },
  permission: 'everyone',
  requiresApproval: false,
  timeoutMs: 1_000,
  async run(args): Promise<ToolResult> {
    const timeZone = typeof args.timeZone === 'string' && args.timeZone ? args.timeZone : 'UTC';
    const now = new Date();
    let local: string;
    try {
      local = new Intl.DateTimeFormat('en-GB', { timeZone, dateStyle: 'full', timeStyle: 'long' }).format(now);
    } catch {
      return { content: `Unknown time zone "${timeZone}": expected an IANA name such as "Europe/Berlin".`, isError: true };
    }
    return { content: JSON.stringify({ iso: now.toISOString(), timeZone, local }) };
  },
};
