import { Injectable } from '@nestjs/common';
import { ApiKeysAdmin, ApiKeysAdminService } from '@switchboard/control-plane/openai-api/api-keys/api-keys-admin';
import type { NewApiKeyInput } from '@switchboard/control-plane/openai-api/api-keys/use-cases/create-api-key/create-api-key.use-case';
import { AuditLog } from '../audit/audit-log.service';
import { ActorContext, actorContext } from '../http/admin-request';

/** API key administration with every change in the audit log (the key itself never is). */
@Injectable()
export class AuditedApiKeysAdmin implements ApiKeysAdmin {
  constructor(
    private readonly keys: ApiKeysAdminService,
    private readonly audit: AuditLog,
  ) {}

  listApiKeys() {
    return this.keys.listApiKeys();
  }

  createApiKey(input: NewApiKeyInput, actor: string | ActorContext) {
    return this.audit.change(actorContext(actor), () => this.keys.createApiKey(input, actorContext(actor).actor), ({ apiKey }) => ({
      action: 'apikey.create',
      targetType: 'apikey',
      targetId: apiKey.name,
      after: { prefix: apiKey.prefix, scopes: apiKey.scopes, rateLimitPerMinute: apiKey.rateLimitPerMinute },
    }));
  }

  revokeApiKey(ref: string, actor: string | ActorContext) {
    return this.audit.change(actorContext(actor), () => this.keys.revokeApiKey(ref, actorContext(actor).actor), ({ apiKey, revoked }) =>
      revoked ? { action: 'apikey.revoke', targetType: 'apikey', targetId: apiKey.name, after: { prefix: apiKey.prefix } } : null,
    );
  }
}
