import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The gateway's HTTP server, listening before the application is built (loading modules and
 * opening the database take a while). Until `handOver`, it answers `/health` (the process is
 * alive) and 503 with Retry-After to everything else, so probes and platforms see the truth.
 */
export class EarlyListener {
  readonly server = http.createServer((req, res) => this.handler(req, res));
  private handler: http.RequestListener = answerWhileStarting;

  async listen(port: number, host: string): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address() as AddressInfo;
    const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${shown}:${address.port}`;
  }

  /** From now on every request goes to the application. */
  handOver(handler: http.RequestListener): void {
    this.handler = handler;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

function answerWhileStarting(req: http.IncomingMessage, res: http.ServerResponse): void {
  const live = req.url === '/health';
  res.writeHead(live ? 200 : 503, { 'content-type': 'application/json', ...(live ? {} : { 'retry-after': '1' }) });
  res.end(JSON.stringify(live ? { status: 'ok', starting: true } : { status: 'starting' }));
}
