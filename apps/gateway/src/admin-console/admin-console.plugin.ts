import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

export const ADMIN_CONSOLE_PREFIX = '/admin';

/** Where `npm run build:admin` writes the console's static export: dist/admin, beside the compiled gateway. */
export const ADMIN_CONSOLE_DIR = path.resolve(__dirname, '../../../../admin');

export interface AdminConsoleOptions {
  /** The folder of the Next.js static export (index.html, 404.html, _next/, one folder per screen). */
  root: string;
}

// Next's export inlines its bootstrap scripts and Mantine injects its theme variables, hence
// 'unsafe-inline'; everything else comes from the gateway's own origin.
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function securityHeaders(reply: FastifyReply): void {
  reply.header('content-security-policy', CSP);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'same-origin');
  reply.header('x-frame-options', 'DENY');
}

/**
 * Serves the admin console at /admin/ from the gateway's own HTTP server (no second server, in
 * embedded mode too). `/admin` redirects to `/admin/`, a path without its trailing slash to the
 * folder, and an unknown path gets the export's 404 page. Hashed assets under `_next/static` are
 * cached for good; pages are revalidated so a new build shows at once.
 */
export async function adminConsolePlugin(fastify: FastifyInstance, options: AdminConsoleOptions): Promise<void> {
  fastify.get(ADMIN_CONSOLE_PREFIX, (request, reply) => {
    const query = request.url.slice(ADMIN_CONSOLE_PREFIX.length);
    return reply.redirect(`${ADMIN_CONSOLE_PREFIX}/${query}`, 301);
  });

  const notFoundFile = path.join(options.root, '404.html');
  if (!fs.existsSync(path.join(options.root, 'index.html')) || !fs.existsSync(notFoundFile)) {
    fastify.log.warn({ root: options.root }, 'the admin console is not built: /admin answers 503 until `npm run build` has run');
    fastify.get(`${ADMIN_CONSOLE_PREFIX}/*`, (_request, reply) =>
      reply.code(503).type('text/plain; charset=utf-8').send('The admin console is not built. Run `npm run build` in the Switchboard folder, then restart the gateway.\n'),
    );
    return;
  }
  const notFoundPage = fs.readFileSync(notFoundFile);

  await fastify.register(
    async (scope) => {
      scope.addHook('onSend', async (_request, reply) => securityHeaders(reply));
      await scope.register(fastifyStatic, {
        root: options.root,
        prefix: '/',
        index: 'index.html',
        redirect: true,
        // Another plugin may decorate reply.sendFile; this one needs no decoration.
        decorateReply: false,
        dotfiles: 'ignore',
        setHeaders: (reply, filePath) => {
          const immutable = filePath.includes(`${path.sep}_next${path.sep}static${path.sep}`);
          reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
        },
      });
      scope.setNotFoundHandler((_request, reply) =>
        reply.code(404).header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(notFoundPage),
      );
    },
    { prefix: ADMIN_CONSOLE_PREFIX },
  );
}
