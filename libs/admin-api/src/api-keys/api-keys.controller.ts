import { Req } from '@nestjs/common';
import type { ApiKeyCreateRequest } from '../contract/control-plane.schemas';
import { ADMIN_ROUTES as R } from '../contract/routes';
import { consoleActor } from '../http/actor';
import type { AdminPrincipal, AdminRequest } from '../http/admin-request';
import { AdminController, AdminRoute, Input, Principal } from '../http/admin-route.decorator';
import { RequestOrigin } from '../http/request-origin';
import { AuditedApiKeysAdmin } from './audited-api-keys-admin';

@AdminController('api-keys')
export class ApiKeysController {
  constructor(
    private readonly keys: AuditedApiKeysAdmin,
    private readonly origin: RequestOrigin,
  ) {}

  @AdminRoute(R.apiKeyList)
  async list() {
    return { items: await this.keys.listApiKeys() };
  }

  /** The key itself is in this answer only; the audit log keeps its name and prefix. */
  @AdminRoute(R.apiKeyCreate)
  create(@Input('body') body: ApiKeyCreateRequest, @Principal() p: AdminPrincipal, @Req() request: AdminRequest) {
    return this.keys.createApiKey({ name: body.name, scopes: body.scopes, rateLimitPerMinute: body.rateLimitPerMinute }, consoleActor(p, request, this.origin));
  }

  @AdminRoute(R.apiKeyRevoke)
  revoke(@Input('params') params: { id: string }, @Principal() p: AdminPrincipal, @Req() request: AdminRequest) {
    return this.keys.revokeApiKey(params.id, consoleActor(p, request, this.origin));
  }
}
