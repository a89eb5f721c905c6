import { z } from 'zod';
import { positiveInt, url } from './schema-helpers';

// The `mcp:` block (MCP_SERVERS): Model Context Protocol servers whose tools the agent may call.

/** A server's name: part of its default tool prefix, its /ready probe (`mcp:<name>`) and its logs. */
export const mcpServerName = z.string().regex(/^[a-zA-Z0-9_-]{1,32}$/, 'expected server names of 1-32 of a-z A-Z 0-9 _ -');

const stringMap = (what: string) => z.record(z.string().min(1), z.coerce.string(), { error: `expected a map of ${what}` });

/** One server: a command run with stdio, or a streamable HTTP endpoint. */
export const mcpServerSchema = z
  .object({
    command: z.string().trim().min(1, 'expected the program that runs the server').optional(),
    args: z.array(z.coerce.string(), { error: 'expected a list of arguments' }).optional(),
    env: stringMap('environment variables').optional(),
    cwd: z.string().trim().min(1, 'expected a directory path').optional(),
    url: url(['https:', 'http:']).optional(),
    headers: stringMap('HTTP headers').optional(),
    prefix: z.string().regex(/^[a-zA-Z0-9_-]{1,40}$/, 'expected 1-40 of a-z A-Z 0-9 _ -').optional(),
    requiresApproval: z
      .union([z.boolean(), z.array(z.string().min(1))], { error: 'expected true, false, or a list of the server\'s tool names' })
      .default(false),
    permission: z.enum(['everyone', 'admins'], { error: 'expected everyone or admins' }).default('everyone'),
    timeoutMs: positiveInt('a number of milliseconds').default(60_000),
  })
  .strict()
  .superRefine((server, ctx) => {
    if (!server.command === !server.url) {
      ctx.addIssue({ code: 'custom', message: 'expected either command (a stdio server) or url (a streamable HTTP server)' });
    }
    const stdioOnly = (['args', 'env', 'cwd'] as const).filter((name) => server[name] !== undefined);
    if (server.url && stdioOnly.length) ctx.addIssue({ code: 'custom', path: [stdioOnly[0]], message: 'only for a command (stdio) server' });
    if (server.command && server.headers) ctx.addIssue({ code: 'custom', path: ['headers'], message: 'only for a url (HTTP) server' });
  });

export type McpServerConfig = z.infer<typeof mcpServerSchema>;

/** The prefix of a server's tool names: configured, or `<name>__`. */
export function mcpToolPrefix(name: string, server: McpServerConfig): string {
  return server.prefix ?? `${name}__`;
}

/** Two servers with one prefix would give their tools the same names. */
export function mcpIssues(servers: Record<string, McpServerConfig>): string[] {
  const byPrefix = new Map<string, string>();
  const issues: string[] = [];
  for (const [name, server] of Object.entries(servers)) {
    const prefix = mcpToolPrefix(name, server);
    const other = byPrefix.get(prefix);
    if (other) issues.push(`"${other}" and "${name}" have the same tool prefix "${prefix}"`);
    else byPrefix.set(prefix, name);
  }
  return issues;
}
