import { parse as parseQueryString } from 'node:querystring';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest, RawServerDefault } from 'fastify';

/**
 * Route config (`@RouteConfig(UNPARSED_BODY)`) of a route that takes its body as sent: nothing
 * parses it before the handler, so a webhook checks its secret before spending anything on it.
 */
export const UNPARSED_BODY = { unparsedBody: true } as const;

function unparsed(request: FastifyRequest): boolean {
  return (request.routeOptions.config as Partial<typeof UNPARSED_BODY>).unparsedBody === true;
}

/**
 * The application's JSON and URL-encoded body parsers, as Nest's own except that UNPARSED_BODY
 * routes get the bytes (a Buffer); XML bodies (WeCom callbacks) reach UNPARSED_BODY routes only,
 * other routes answer them 415 as before. Call before `app.init()`, instead of Nest's defaults.
 */
export function useBodyParsers(app: NestFastifyApplication): void {
  const json = app.getHttpAdapter().getInstance().getDefaultJsonParser('error', 'error');
  app.useBodyParser<RawServerDefault>('application/json', {}, (request, body, done) => (unparsed(request) ? done(null, body) : json(request, body.toString('utf8'), done)));
  app.useBodyParser<RawServerDefault>('application/x-www-form-urlencoded', {}, (request, body, done) => {
    done(null, unparsed(request) ? body : parseQueryString(body.toString()));
  });
  app.useBodyParser<RawServerDefault>(['text/xml', 'application/xml'], {}, (request, body, done) => {
    if (unparsed(request)) return done(null, body);
    done(Object.assign(new Error(`Unsupported Media Type: ${request.headers['content-type']}`), { statusCode: 415 }), undefined);
  });
}
