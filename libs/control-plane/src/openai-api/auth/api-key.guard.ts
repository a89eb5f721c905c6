import { CanActivate, ExecutionContext, Injectable, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { SwitchboardMetrics } from '@switchboard/observability';
import type { ApiKeyRecord } from '@switchboard/persistence';
import { ApiKeyScope, keyAllows } from '../api-keys/api-key-scopes';
import { VerifyApiKeyUseCase } from '../api-keys/use-cases/verify-api-key/verify-api-key.use-case';
import { OpenAiError, invalidApiKey } from '../errors/openai-error';

/** The scope a `/v1` route needs; every route declares one. */
export const RequireScope = Reflector.createDecorator<ApiKeyScope>();

type KeyedRequest = FastifyRequest & { apiKey?: ApiKeyRecord };

/** The API key the request was authenticated with (set by ApiKeyGuard). */
export const CurrentApiKey = createParamDecorator((_data: unknown, context: ExecutionContext): ApiKeyRecord => {
  return context.switchToHttp().getRequest<KeyedRequest>().apiKey!;
});

/** `Authorization: Bearer sb-…` with an active key that has the route's scope. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly verify: VerifyApiKeyUseCase,
    private readonly reflector: Reflector,
    private readonly metrics: SwitchboardMetrics,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<KeyedRequest>();
    const bearer = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1]?.trim();
    if (!bearer) throw this.denied(invalidApiKey("You didn't provide an API key. Send it as 'Authorization: Bearer sb-…'."));
    const key = await this.verify.execute(bearer);
    // Never echo the presented token: it may be a real secret sent to the wrong place.
    if (!key) throw this.denied(invalidApiKey('Incorrect API key provided, or the key was revoked.'));
    const scope = this.reflector.get(RequireScope, context.getHandler());
    if (!keyAllows(key, scope)) {
      throw this.denied(new OpenAiError(403, `This API key does not have the "${scope}" scope.`, 'invalid_request_error', 'insufficient_permissions'));
    }
    request.apiKey = key;
    return true;
  }

  private denied(error: OpenAiError): OpenAiError {
    this.metrics.messagesIn.inc({ platform: 'api', outcome: 'denied' });
    return error;
  }
}
