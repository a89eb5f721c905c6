import { type McpServerConfig, mcpToolPrefix } from '@switchboard/config';
import { connectMcpClient, describeMcpServer, listAllTools, mcpErrorText } from './mcp-client';

const PROBE_TIMEOUT_MS = 30_000;

/** For doctor: connects to the server, lists its tools (as the model sees them) and disconnects; throws why it could not. */
export async function probeMcpServer(name: string, server: McpServerConfig): Promise<string> {
  const signal = AbortSignal.timeout(PROBE_TIMEOUT_MS);
  const where = describeMcpServer(server);
  let client;
  try {
    client = await connectMcpClient(server, { timeoutMs: PROBE_TIMEOUT_MS, signal });
  } catch (error) {
    throw new Error(`${where}: ${mcpErrorText(error)}`);
  }
  try {
    const tools = await listAllTools(client, { timeoutMs: PROBE_TIMEOUT_MS, signal });
    const names = tools.map((tool) => mcpToolPrefix(name, server) + tool.name);
    const shown = names.length > 8 ? `${names.slice(0, 8).join(', ')}, …` : names.join(', ');
    return `${where}: ${tools.length} tools${tools.length ? ` (${shown})` : ''}`;
  } catch (error) {
    throw new Error(`${where}: listing the tools failed: ${mcpErrorText(error)}`);
  } finally {
    await client.close();
  }
}
