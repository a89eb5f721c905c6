import { Module } from '@nestjs/common';
import { McpServers } from './mcp-servers';
import { McpProbes } from './mcp.probes';

/** The configured MCP servers (each a ToolSource of the agent) and their readiness probes. */
@Module({
  providers: [McpServers, McpProbes],
  exports: [McpServers, McpProbes],
})
export class McpModule {}
