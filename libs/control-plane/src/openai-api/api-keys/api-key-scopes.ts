import type { ApiKeyRecord } from '@switchboard/persistence';

/** What a key may do: `chat` = POST /v1/chat/completions, `models` = GET /v1/models. */
export const API_KEY_SCOPES = ['chat', 'models'] as const;

export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** A key created without scopes may do everything. */
export function keyAllows(key: Pick<ApiKeyRecord, 'scopes'>, scope: ApiKeyScope): boolean {
  return key.scopes.length === 0 || key.scopes.includes(scope);
}
