import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

export declare function createFakeMcpServer(options?: { processTools?: boolean }): McpServer;
