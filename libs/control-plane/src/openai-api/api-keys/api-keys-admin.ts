import { Injectable } from '@nestjs/common';
import type { ApiKeyRecord } from '@switchboard/persistence';
import { CreateApiKeyUseCase, NewApiKeyInput } from './use-cases/create-api-key/create-api-key.use-case';
import { ListApiKeysUseCase } from './use-cases/list-api-keys/list-api-keys.use-case';
import { RevokeApiKeyUseCase } from './use-cases/revoke-api-key/revoke-api-key.use-case';

/** An API key as the CLI and the local API show it (JSON: dates as ISO strings). */
export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  rateLimitPerMinute: number | null;
  createdBy: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/**
 * What operators do with API keys: from the CLI, through the running gateway's local API or
 * straight on the database when no gateway runs.
 */
export interface ApiKeysAdmin {
  createApiKey(input: NewApiKeyInput, actor: string): Promise<{ key: string; apiKey: ApiKeyView }>;
  listApiKeys(): Promise<ApiKeyView[]>;
  revokeApiKey(ref: string, actor: string): Promise<{ apiKey: ApiKeyView; revoked: boolean }>;
}

@Injectable()
export class ApiKeysAdminService implements ApiKeysAdmin {
  constructor(
    private readonly create: CreateApiKeyUseCase,
    private readonly list: ListApiKeysUseCase,
    private readonly revoke: RevokeApiKeyUseCase,
  ) {}

  async createApiKey(input: NewApiKeyInput, actor: string) {
    const { key, apiKey } = await this.create.execute(input, actor);
    return { key, apiKey: toView(apiKey) };
  }

  async listApiKeys() {
    return (await this.list.execute()).map(toView);
  }

  async revokeApiKey(ref: string, actor: string) {
    const { apiKey, revoked } = await this.revoke.execute(ref, actor);
    return { apiKey: toView(apiKey), revoked };
  }
}

function toView(key: ApiKeyRecord): ApiKeyView {
  return {
    ...key,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}
