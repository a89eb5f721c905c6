import { Injectable, Logger } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { IpRules } from './ip-rules';
import { surfaceOfPath } from './route-surfaces';

// The precise reason stays in the log.
const MESSAGE = 'Your address may not use this endpoint.';
// The shape of the gateway's DomainError answers...
const REFUSAL = { error: { code: 'IP_NOT_ALLOWED', message: MESSAGE } };
// ...and of OpenAI's errors on the OpenAI-compatible API, which its clients parse.
const OPENAI_REFUSAL = { error: { message: MESSAGE, type: 'invalid_request_error', param: null, code: 'ip_not_allowed' } };

/**
 * Applies the IP rules of each request's surface (ROUTE_SURFACES) to every HTTP request, before
 * routing to a controller or a plugin, and refuses to register a route that belongs to no surface.
 */
@Injectable()
export class RouteSurfaceHook {
  private readonly logger = new Logger('IpRules');

  constructor(private readonly rules: IpRules) {}

  /** Call on the application's Fastify instance before its routes are registered (before `app.init()`). */
  install(fastify: FastifyInstance): void {
    fastify.addHook('onRoute', (route) => {
      if (surfaceOfPath(route.url) === undefined) {
        throw new Error(`route ${String(route.method)} ${route.url} belongs to no surface: add its path to ROUTE_SURFACES in libs/security`);
      }
    });
    fastify.addHook('onRequest', async (request, reply) => {
      // The route's pattern when one matched: what the router serves, whatever the raw URL looks like.
      const url = request.routeOptions.url ?? request.url;
      const result = this.rules.checkRoute(url, request.socket.remoteAddress, request.headers['x-forwarded-for']);
      if (result.allowed) return;
      this.logger.warn(`refused ${result.clientIp || 'unknown address'} on ${result.surface}: ${result.reason}`);
      await reply.code(403).send(url.startsWith('/v1/') ? OPENAI_REFUSAL : REFUSAL);
    });
  }
}
