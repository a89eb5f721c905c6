import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { closeServer, listenOnFreePort } from '../ports';
import { createFakeMcpServer } from './fake-mcp-server';

/**
 * The fake MCP server over streamable HTTP on 127.0.0.1, one MCP session per client. With
 * `bearerToken`, requests without `Authorization: Bearer <token>` get 401. `stop()` and `start()`
 * again (same port) play a server that goes away and comes back.
 */
export class FakeMcpHttpServer {
  private server: Server | undefined;
  private port = 0;
  private readonly sessions = new Map<string, StreamableHTTPServerTransport>();
  /** Requests refused for a missing or wrong bearer token. */
  refused = 0;

  constructor(private readonly bearerToken?: string) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/mcp`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    if (this.port === 0) {
      this.port = await listenOnFreePort(this.server);
    } else {
      const server = this.server;
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(this.port, '127.0.0.1', () => resolve()));
    }
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Ends every session and stops listening. */
  async stop(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((transport) => transport.close()));
    this.sessions.clear();
    if (this.server) await closeServer(this.server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.bearerToken && req.headers.authorization !== `Bearer ${this.bearerToken}`) {
      this.refused += 1;
      res.writeHead(401).end('unauthorized');
      return;
    }
    const body = req.method === 'POST' ? await readJson(req) : undefined;
    const sessionId = req.headers['mcp-session-id'];
    let transport = typeof sessionId === 'string' ? this.sessions.get(sessionId) : undefined;
    if (!transport && sessionId === undefined && req.method === 'POST') {
      const created = new StreamableHTTPServerTransport({
        sessionIdGenerator: randomUUID,
        onsessioninitialized: (id) => void this.sessions.set(id, created),
      });
      created.onclose = () => created.sessionId && this.sessions.delete(created.sessionId);
      await createFakeMcpServer().connect(created);
      transport = created;
    }
    if (!transport) {
      res.writeHead(404).end('no such session');
      return;
    }
    await transport.handleRequest(req, res, body);
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
}
