import { randomBytes, timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError, ErrorCode } from '@switchboard/core';

/** The secret of this process's local admin API, published in the runtime file (mode 0600). */
@Injectable()
export class LocalAdminToken {
  readonly value = randomBytes(32).toString('base64url');

  matches(candidate: string): boolean {
    const a = Buffer.from(candidate);
    const b = Buffer.from(this.value);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** Only local callers holding the runtime file's token (the `switchboard` CLI on this machine). */
@Injectable()
export class LocalAdminGuard implements CanActivate {
  constructor(private readonly token: LocalAdminToken) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers.authorization ?? '';
    const bearer = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!LOOPBACK.has(request.socket.remoteAddress ?? '') || !bearer || !this.token.matches(bearer)) {
      throw new DomainError(ErrorCode.AUTH_FAILED, 'the local admin API needs the token from the runtime file');
    }
    return true;
  }
}
