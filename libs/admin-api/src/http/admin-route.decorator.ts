import { Controller, Delete, ExecutionContext, Get, HttpCode, Patch, Post, SetMetadata, UseGuards, applyDecorators, createParamDecorator } from '@nestjs/common';
import { ApiBody, ApiExtension, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ADMIN_API_PREFIX, AdminRoute as RouteSpec } from '../contract/routes';
import { AdminAuthGuard } from './admin-auth.guard';
import type { AdminInput, AdminPrincipal, AdminRequest } from './admin-request';
import { ADMIN_ROUTE } from './admin-route.metadata';


const METHODS = { GET: Get, POST: Post, PATCH: Patch, DELETE: Delete } as const;

// OpenAPI schemas straight from the contract's zod schemas.
const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;

/**
 * Serves a route of the contract: method and path, the access it needs (checked by the
 * AdminAuthGuard) and its OpenAPI description all come from the one ADMIN_ROUTES entry.
 */
export function AdminRoute(route: RouteSpec): MethodDecorator {
  const access = route.access === 'public' ? 'no session' : route.access === 'signed-in' ? 'any signed-in operator' : `permission ${route.access}`;
  return applyDecorators(
    METHODS[route.method](route.path),
    HttpCode(route.produces === 'redirect' ? 302 : 200),
    SetMetadata(ADMIN_ROUTE, route),
    ApiOperation({ summary: route.summary, description: `Needs ${access}.` }),
    ApiExtension('x-permission', route.access),
    ...(route.body ? [ApiBody({ schema: jsonSchema(route.body, 'input') })] : []),
    ...(route.produces && route.produces !== 'redirect' ? [ApiProduces(route.produces)] : []),
    ApiResponse({ status: route.produces === 'redirect' ? 302 : 200, description: 'OK', ...(route.response ? { schema: jsonSchema(route.response, 'output') } : {}) }),
    ...(route.access === 'public' ? [] : [ApiResponse({ status: 401, description: 'No session' })]),
    ...(route.access === 'public' || route.access === 'signed-in' ? [] : [ApiResponse({ status: 403, description: `The role lacks ${route.access}, or the CSRF token is missing` })]),
  );
}

/** A controller of the admin API: under /api/admin, every route through the AdminAuthGuard. */
export function AdminController(tag: string): ClassDecorator {
  return applyDecorators(Controller(ADMIN_API_PREFIX.slice(1)), UseGuards(AdminAuthGuard), ApiTags(tag));
}

/** The route's validated input: `@Input('body') body: AllowlistAddRequest`. */
export const Input = createParamDecorator((part: keyof AdminInput, context: ExecutionContext) => context.switchToHttp().getRequest<AdminRequest>().adminInput?.[part]);

/** The signed-in operator and session (routes that need a session only). */
export const Principal = createParamDecorator((_: unknown, context: ExecutionContext): AdminPrincipal => {
  const principal = context.switchToHttp().getRequest<AdminRequest>().adminPrincipal;
  if (!principal) throw new Error('Principal used on a public route');
  return principal;
});
