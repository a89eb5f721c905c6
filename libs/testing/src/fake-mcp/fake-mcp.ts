import path from 'node:path';

/** The fake MCP server's stdio entry point: `node <FAKE_MCP_SERVER>`. */
export const FAKE_MCP_SERVER = path.join(__dirname, 'fake-mcp-server.js');
