'use strict';
// A small MCP server for tests, built on the SDK's McpServer. Run with node it serves over stdio
// (`node fake-mcp-server.js`); createFakeMcpServer() gives one to serve over another transport.
const { McpServer } = require('@modelcontextprotocol/sdk/server/mcp.js');
const { StdioServerTransport } = require('@modelcontextprotocol/sdk/server/stdio.js');
const { z } = require('zod');

// A 2x2 PNG.
const PICTURE = 'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFElEQVR4nGP4z8DAAMIM/////w8AH+4F+7C4l8kAAAAASUVORK5CYII=';

const text = (value) => ({ content: [{ type: 'text', text: value }] });

/**
 * echo, wait (answers after `ms`, stops early when the call is cancelled), fail (an error result),
 * picture (text and an image), add_tool (registers a tool while connected: tools/list_changed).
 * `processTools` adds pid, env and crash (exits the process at once), for a server in a process of its own.
 */
function createFakeMcpServer({ processTools = false } = {}) {
  const server = new McpServer({ name: 'fake-mcp', version: '1.0.0' });
  server.registerTool('echo', { description: 'Repeats the text.', inputSchema: { text: z.string() } }, ({ text: value }) => text(value));
  server.registerTool('wait', { description: 'Answers after ms milliseconds.', inputSchema: { ms: z.number().int().min(0) } }, ({ ms }, extra) =>
    new Promise((resolve) => {
      const timer = setTimeout(() => resolve(text(`waited ${ms} ms`)), ms);
      extra.signal.addEventListener('abort', () => clearTimeout(timer));
    }),
  );
  server.registerTool('fail', { description: 'Fails.' }, () => ({ isError: true, content: [{ type: 'text', text: 'failed on purpose' }] }));
  server.registerTool('picture', { description: 'Shows a picture.' }, () => ({
    content: [
      { type: 'text', text: 'a tiny picture' },
      { type: 'image', data: PICTURE, mimeType: 'image/png' },
    ],
  }));
  server.registerTool('add_tool', { description: 'Adds a tool.', inputSchema: { name: z.string() } }, ({ name }) => {
    server.registerTool(name, { description: 'Added while running.' }, () => text(`${name} ran`));
    return text(`added ${name}`);
  });
  if (processTools) {
    server.registerTool('pid', { description: 'The server process id.' }, () => text(String(process.pid)));
    server.registerTool('env', { description: 'An environment variable.', inputSchema: { name: z.string() } }, ({ name }) => text(process.env[name] ?? ''));
    server.registerTool('crash', { description: 'Ends the server process.' }, () => process.exit(3));
  }
  return server;
}

if (require.main === module) {
  // For a test that watches the process from outside (e.g. that it ends with the gateway).
  if (process.env.FAKE_MCP_PID_FILE) require('node:fs').writeFileSync(process.env.FAKE_MCP_PID_FILE, String(process.pid));
  createFakeMcpServer({ processTools: true })
    .connect(new StdioServerTransport())
    .catch((error) => {
      process.stderr.write(`fake MCP server: ${error}\n`);
      process.exit(1);
    });
}

module.exports = { createFakeMcpServer };
