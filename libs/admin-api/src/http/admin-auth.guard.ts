import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { z } from 'zod';
import { CSRF_HEADER } from '../contract/auth.schemas';
import { roleHas } from '../contract/permissions';
import type { AdminRoute } from '../contract/routes';
import { AdminSessions } from '../auth/admin-sessions.service';
import { forbidden, invalidInput, unauthenticated } from './admin-errors';
import type { AdminRequest } from './admin-request';
import { ADMIN_ROUTE } from './admin-route.metadata';
import { secretsMatch } from './secrets-match';

/**
 * Every admin route passes here: the route must declare its access in the contract (else it is
 * refused: a route cannot be left open by mistake), then session (401), permission (403), CSRF
 * token on state changes (403), and the input is parsed by the route's schemas (400).
 */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  private readonly logger = new Logger('AdminAuth');

  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: AdminSessions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const route = this.reflector.get<AdminRoute | undefined>(ADMIN_ROUTE, context.getHandler());
    const request = context.switchToHttp().getRequest<AdminRequest>();
    if (!route) {
      this.logger.error(`${request.method} ${request.url}: the route declares no access; refused`);
      throw forbidden('this route declares no permission');
    }
    const changes = request.method !== 'GET' && request.method !== 'HEAD';
    if (route.access === 'public') {
      // Sign-in and setup carry no CSRF token yet; a JSON body cannot be sent cross-site without CORS.
      if (changes && !String(request.headers['content-type'] ?? '').startsWith('application/json')) throw invalidInput('expected a JSON body');
    } else {
      const principal = await this.sessions.resolve(request);
      if (!principal) throw unauthenticated();
      request.adminPrincipal = principal;
      if (route.access !== 'signed-in' && !roleHas(principal.operator.role, route.access)) {
        throw forbidden(`your role (${principal.operator.role}) lacks ${route.access}`);
      }
      const token = request.headers[CSRF_HEADER];
      if (changes && (typeof token !== 'string' || !secretsMatch(token, principal.session.csrfToken))) {
        throw forbidden(`missing or wrong ${CSRF_HEADER} header (GET /api/admin/auth/session gives the token)`);
      }
    }
    request.adminInput = {
      params: parse(route.params, request.params, 'path'),
      query: parse(route.query, request.query, 'query'),
      body: parse(route.body, request.body, 'body'),
    };
    return true;
  }
}

function parse(schema: z.ZodType | undefined, value: unknown, where: string): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw invalidInput(`${where}${issue.path.length ? ` ${issue.path.join('.')}` : ''}: ${issue.message}`);
}
