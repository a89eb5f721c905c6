import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  Logger,
  SetMetadata,
  UseGuards,
  applyDecorators,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { IpRules, IpSurface as Surface } from './ip-rules';

const IP_SURFACE = 'switchboard:ip-surface';

/** The parts of a Fastify or Express request the guard reads. */
interface HttpRequestLike {
  socket?: { remoteAddress?: string };
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Applies the IP rules of a surface to HTTP requests. Routes (or controllers) without
 * `@IpSurface(...)` are not restricted, so the guard may also be installed globally.
 */
@Injectable()
export class IpRulesGuard implements CanActivate {
  private readonly logger = new Logger('IpRules');

  constructor(
    private readonly rules: IpRules,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const surface = this.reflector.getAllAndOverride<Surface | undefined>(IP_SURFACE, [context.getHandler(), context.getClass()]);
    if (!surface) return true;
    const request = context.switchToHttp().getRequest<HttpRequestLike>();
    const result = this.rules.check(surface, request.socket?.remoteAddress, request.headers['x-forwarded-for']);
    if (result.allowed) return true;
    this.logger.warn(`refused ${result.clientIp || 'unknown address'} on ${surface}: ${result.reason}`);
    // Same body shape as the gateway's DomainError answers; the precise reason stays in the log.
    throw new ForbiddenException({ error: { code: 'IP_NOT_ALLOWED', message: 'Your address may not use this endpoint.' } });
  }
}

/** 'webhook' | 'admin' | 'control' (the same name is the decorator below). */
export type IpSurface = Surface;

/** Restricts a route or controller to the addresses allowed on `surface` (answers 403 otherwise). */
export const IpSurface = (surface: Surface) => applyDecorators(SetMetadata(IP_SURFACE, surface), UseGuards(IpRulesGuard));
