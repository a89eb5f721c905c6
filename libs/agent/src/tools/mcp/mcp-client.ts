import { createInterface } from 'node:readline';
import type { PassThrough } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { McpServerConfig } from '@switchboard/config';

/** Sent to servers in the handshake. */
const CLIENT_INFO = { name: 'switchboard', version: '1.0.0' };

/** Pages of tools/list read at most (a server that keeps handing out cursors is cut off). */
const MAX_TOOL_PAGES = 50;

export interface McpClientOptions {
  /** Longest wait for the handshake. */
  timeoutMs: number;
  signal: AbortSignal;
  /** Each line a stdio server writes to stderr (its logs). */
  onStderrLine?: (line: string) => void;
}

/**
 * A client of one server, not yet connected: for a stdio server `connect` spawns its process, whose
 * stderr is read line by line instead of mixed into the gateway's output.
 */
function mcpClientFor(server: McpServerConfig, onStderrLine?: (line: string) => void): { client: Client; transport: StdioTransport | StreamableHTTPClientTransport } {
  const client = new Client(CLIENT_INFO);
  if (server.url) {
    const transport = new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: server.headers ?? {} } });
    return { client, transport };
  }
  const transport = new StdioTransport({ command: server.command!, args: server.args, env: server.env, cwd: server.cwd, stderr: 'pipe' });
  const lines = createInterface({ input: transport.stderr as PassThrough });
  lines.on('line', (line) => onStderrLine?.(line));
  return { client, transport };
}

/**
 * The SDK's stdio transport, closed once: the Client closes it after a failed handshake without
 * waiting, and a second close() would return at once; here every caller waits for the process to
 * end (stdin closed, then SIGTERM, then SIGKILL).
 */
class StdioTransport extends StdioClientTransport {
  private closing: Promise<void> | undefined;

  override close(): Promise<void> {
    this.closing ??= super.close();
    return this.closing;
  }
}

/**
 * Connects and completes the MCP handshake. A failure, or `signal` firing meanwhile, closes the
 * client (a stdio server's process ends with it).
 */
export async function connectMcpClient(server: McpServerConfig, options: McpClientOptions): Promise<Client> {
  const { client, transport } = mcpClientFor(server, options.onStderrLine);
  try {
    await client.connect(transport, { timeout: options.timeoutMs, signal: options.signal });
  } catch (error) {
    await client.close();
    throw error;
  }
  return client;
}

/** Every tool the server offers, following tools/list pages. */
export async function listAllTools(client: Client, options: { timeoutMs: number; signal?: AbortSignal }): Promise<Tool[]> {
  const tools: Tool[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_TOOL_PAGES; page += 1) {
    const listed = await client.listTools(cursor === undefined ? undefined : { cursor }, { timeout: options.timeoutMs, signal: options.signal });
    tools.push(...listed.tools);
    cursor = listed.nextCursor;
    if (cursor === undefined) break;
  }
  return tools;
}

/** How a server is reached, for logs and doctor: the program (not its arguments) or the URL's origin and path. */
export function describeMcpServer(server: McpServerConfig): string {
  if (!server.url) return `stdio \`${server.command}\``;
  const url = new URL(server.url);
  return `${url.origin}${url.pathname}`;
}

/** An error of a connection or request as one line, with the HTTP status when a server refused. */
export function mcpErrorText(error: unknown): string {
  if (error instanceof StreamableHTTPError && error.code !== undefined && error.code > 0) return `HTTP ${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
