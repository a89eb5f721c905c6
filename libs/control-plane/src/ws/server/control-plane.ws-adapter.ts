import { IncomingMessage, STATUS_CODES, Server as HttpServer, createServer } from 'node:http';
import { Duplex } from 'node:stream';
import type { INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { MessageMappingProperties } from '@nestjs/websockets';
import type { Observable } from 'rxjs';
import type { VerifyClientCallbackAsync, WebSocketServer } from 'ws';

/** Why an upgrade is refused: answered with this HTTP status before any WebSocket frame. */
export interface UpgradeRefusal {
  status: number;
  reason: string;
}

/** What the adapter asks of the control plane before and while it upgrades a request. */
export interface UpgradeAdmission {
  /** Largest frame a socket may send (larger: closed 1009). */
  readonly maxPayloadBytes: number;
  /** Null admits the request; called synchronously right before the upgrade completes. */
  admit(request: IncomingMessage): UpgradeRefusal | null;
  /** Counts a refusal made by the adapter itself (e.g. an unknown path). */
  upgradeRefused(reason: string): void;
}

/**
 * Nest's `ws` adapter for the control plane. Unlike the stock one: upgrades go through the control
 * plane's admission first (IP rules, per-IP and total limits of sockets that have not signed in)
 * and a refusal is answered with its HTTP status (404 for another path); Nest does not parse
 * frames, since the OpenClaw protocol is not Nest's `{event, data}` shape and the connection
 * validates and dispatches every frame itself; socket errors are not logged one by one.
 */
export class ControlPlaneWsAdapter extends WsAdapter {
  constructor(
    appOrHttpServer: INestApplicationContext | HttpServer,
    private readonly admission: UpgradeAdmission,
  ) {
    super(appOrHttpServer);
  }

  override create(port: number, options: Record<string, unknown> & { path?: string } = {}): WebSocketServer {
    return super.create(port, { ...options, maxPayload: this.admission.maxPayloadBytes, verifyClient: this.verifyClient });
  }

  override bindMessageHandlers(client: unknown, handlers: MessageMappingProperties[], transform: (data: unknown) => Observable<unknown>): void {
    if (handlers.length > 0) super.bindMessageHandlers(client, handlers, transform);
  }

  // The stock adapter also logs every socket's errors (an oversized frame, a client gone): each is
  // followed by 'close', whose code the connection handles, so only the server's own are logged.
  override bindErrorHandler(server: WebSocketServer): WebSocketServer {
    server.on('error', (error: Error) => this.logger.error(error));
    return server;
  }

  // The stock adapter destroys the socket of an upgrade to an unknown path; answer 404 instead.
  protected override ensureHttpServerExists(port: number, httpServer: HttpServer = createServer()): HttpServer | undefined {
    if (this.httpServersRegistry.has(port)) return undefined;
    this.httpServersRegistry.set(port, httpServer);
    httpServer.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      // The path as sent, query dropped: parsed as a URL, "//x" would read as "/" and "//" would throw.
      const pathname = (request.url ?? '/').split('?', 1)[0];
      const server = (this.wsServersRegistry.get(port) ?? []).find((candidate: { path: string }) => candidate.path === pathname);
      if (!server) {
        this.admission.upgradeRefused('path');
        return refuse(socket, 404);
      }
      server.handleUpgrade(request, socket, head, (ws: unknown) => server.emit('connection', ws, request));
    });
    return httpServer;
  }

  private readonly verifyClient: VerifyClientCallbackAsync = (info, done) => {
    const refusal = this.admission.admit(info.req);
    if (refusal) return done(false, refusal.status, STATUS_CODES[refusal.status], refusal.status === 503 ? { 'Retry-After': '5' } : undefined);
    // `done` completes the upgrade synchronously, connection handler included: so admission counts
    // cannot race, and the cork joins the 101 answer and the challenge frame in one write.
    info.req.socket.cork();
    done(true);
    info.req.socket.uncork();
  };
}

function refuse(socket: Duplex, status: number): void {
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
