import { AdminOperationsModule, AuditedApiKeysAdmin } from '@switchboard/admin-api';
import type { SwitchboardConfig } from '@switchboard/config';
import type { ApiKeysAdmin } from '@switchboard/control-plane/openai-api/api-keys/api-keys-admin';
import type { NewApiKeyInput } from '@switchboard/control-plane/openai-api/api-keys/use-cases/create-api-key/create-api-key.use-case';
import { LocalApi, withAdminPort } from './local-api';

/** API key administration, through the running gateway or on the database. */
export function withApiKeysAdmin<T>(config: SwitchboardConfig, work: (admin: ApiKeysAdmin) => Promise<T>): Promise<T> {
  return withAdminPort(config, (api) => new ApiKeysAdminClient(api), { imports: [AdminOperationsModule], service: AuditedApiKeysAdmin }, work);
}

/** The ApiKeysAdmin port over the gateway's `/api/local/api-keys` routes. */
class ApiKeysAdminClient implements ApiKeysAdmin {
  constructor(private readonly api: LocalApi) {}

  createApiKey(input: NewApiKeyInput, actor: string) {
    return this.api.call<Awaited<ReturnType<ApiKeysAdmin['createApiKey']>>>('POST', '/api-keys', { ...input, actor });
  }

  listApiKeys() {
    return this.api.call<Awaited<ReturnType<ApiKeysAdmin['listApiKeys']>>>('GET', '/api-keys');
  }

  revokeApiKey(ref: string, actor: string) {
    return this.api.call<Awaited<ReturnType<ApiKeysAdmin['revokeApiKey']>>>('POST', `/api-keys/${encodeURIComponent(ref)}/revoke`, { actor });
  }
}
