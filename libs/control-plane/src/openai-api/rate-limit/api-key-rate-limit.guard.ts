import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { SwitchboardMetrics } from '@switchboard/observability';
import type { ApiKeyRecord } from '@switchboard/persistence';
import { rateLimited } from '../errors/openai-error';
import { ApiKeyRateLimiter } from './api-key-rate-limiter';

/** Refuses a request past its key's per-minute limit (429 with retry-after). Runs after ApiKeyGuard. */
@Injectable()
export class ApiKeyRateLimitGuard implements CanActivate {
  constructor(
    private readonly limiter: ApiKeyRateLimiter,
    private readonly metrics: SwitchboardMetrics,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const key = context.switchToHttp().getRequest<FastifyRequest & { apiKey: ApiKeyRecord }>().apiKey;
    const { allowed, retryAfterMs } = await this.limiter.consume(key);
    if (allowed) return true;
    this.metrics.messagesIn.inc({ platform: 'api', outcome: 'rate_limited' });
    throw rateLimited(`Rate limit reached for this API key: ${key.rateLimitPerMinute} requests per minute.`, retryAfterMs);
  }
}
