import { Injectable } from '@nestjs/common';
import type { ReadinessProbe } from '@switchboard/core';
import type { ReadinessProbeSet } from '@switchboard/observability';
import { McpServers } from './mcp-servers';

/**
 * One readiness probe per MCP server, `mcp:<name>`, giving its state, tool count and last error.
 * It always passes: a server that is down takes its tools away until it is back, but the replica
 * still answers, so /ready stays 200 and the state says `down`.
 */
@Injectable()
export class McpProbes implements ReadinessProbeSet {
  constructor(private readonly servers: McpServers) {}

  list(): ReadinessProbe[] {
    return this.servers.connections.map((connection) => ({
      name: connection.id,
      check: async () => {
        const { retryAt, ...status } = connection.status();
        return retryAt === undefined ? status : { ...status, retryInSeconds: Math.max(0, Math.ceil((retryAt - Date.now()) / 1000)) };
      },
    }));
  }
}
