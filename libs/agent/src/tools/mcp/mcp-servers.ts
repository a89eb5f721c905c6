import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectConfig, type SwitchboardConfig } from '@switchboard/config';
import { McpServerConnection } from './mcp-server-connection';

/**
 * The connection to each configured MCP server in this process (every process that runs turns
 * has its own): started in the background once the application is up, so a slow or broken server
 * never holds up the start; closed at shutdown, ending the servers' processes.
 */
@Injectable()
export class McpServers implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly connections: readonly McpServerConnection[];

  constructor(@InjectConfig() config: SwitchboardConfig) {
    this.connections = Object.entries(config.mcp.servers).map(([name, server]) => new McpServerConnection(name, server));
  }

  onApplicationBootstrap(): void {
    for (const connection of this.connections) connection.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.connections.map((connection) => connection.stop()));
  }
}
