import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AdminApiModule } from '../admin-api.module';
import { SESSION_COOKIE } from '../auth/admin-sessions.service';
import { CSRF_HEADER } from '../contract/auth.schemas';
import { ADMIN_API_PREFIX } from '../contract/routes';

export const OPENAPI_PATH = `${ADMIN_API_PREFIX}/openapi.json`;

/**
 * Serves the OpenAPI 3 document of the admin API (every route with the permission it needs, as
 * `x-permission`). Public: it describes the API, it holds no data. Call before the app is ready.
 */
export function serveAdminOpenApi(app: INestApplication, version: string): void {
  const config = new DocumentBuilder()
    .setTitle('Switchboard admin API')
    .setDescription(`Sign in at POST ${ADMIN_API_PREFIX}/auth/login; send the CSRF token of GET ${ADMIN_API_PREFIX}/auth/session in the ${CSRF_HEADER} header of every change.`)
    .setVersion(version)
    .addCookieAuth(SESSION_COOKIE)
    .build();
  const document = SwaggerModule.createDocument(app, config, { include: [AdminApiModule] });
  app.getHttpAdapter().get(OPENAPI_PATH, (_request: unknown, reply: { send(body: unknown): void }) => reply.send(document));
}
