import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listenOnFreePort } from '../ports';

// Headers that describe the hop, not the request; fetch sets its own.
const HOP_HEADERS = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

/**
 * A pass-through in front of a fake that rewrites grammy's multipart part headers
 * (`content-disposition:form-data;name="photo";filename=a.png`) into the spaced, quoted form
 * Node's FormData parser accepts, so the fake sees uploads as Telegram does.
 */
export class MultipartFront {
  private readonly server = createServer((req, res) => void this.forward(req, res));
  private target = '';

  /** Starts forwarding to `target` (`http://127.0.0.1:<port>`) and resolves with the front's port. */
  start(target: string): Promise<number> {
    this.target = target;
    return listenOnFreePort(this.server);
  }

  stop(): Promise<void> {
    return closeServer(this.server);
  }

  private async forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const body = await readAll(req);
      const isMultipart = (req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/form-data');
      const headers = Object.entries(req.headers).filter(([name]) => !HOP_HEADERS.has(name)) as [string, string][];
      const response = await fetch(`${this.target}${req.url ?? '/'}`, {
        method: req.method,
        headers,
        body: body.length > 0 ? (isMultipart ? canonicalPartHeaders(body) : body) : undefined,
      });
      res.writeHead(response.status, { 'content-type': response.headers.get('content-type') ?? 'text/plain' });
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch {
      // The client gave up (an aborted long poll) or the fake stopped: nobody is left to answer.
      res.destroy();
    }
  }
}

/** Rewrites each part's Content-Disposition line; latin1 keeps every other byte as it was. */
export function canonicalPartHeaders(body: Buffer): Buffer {
  const text = body
    .toString('latin1')
    .replace(/^content-disposition:\s*form-data;\s*name="([^"]*)"(?:;\s*filename=("?)([^"\r\n]*)\2)?\r$/gim, (_line, name: string, _quote, filename?: string) =>
      filename === undefined ? `Content-Disposition: form-data; name="${name}"\r` : `Content-Disposition: form-data; name="${name}"; filename="${filename}"\r`,
    );
  return Buffer.from(text, 'latin1');
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
