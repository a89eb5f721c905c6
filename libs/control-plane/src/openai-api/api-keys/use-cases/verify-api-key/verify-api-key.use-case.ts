import { Injectable } from '@nestjs/common';
import { ApiKeyRepository } from '@switchboard/persistence';
import type { ApiKeyRecord } from '@switchboard/persistence';
import { ApiKeyCache } from '../../api-key.cache';
import { hashApiKey, isWellFormedApiKey } from '../../api-key-secret';

/** lastUsedAt is for operators ("is this key still in use?"): minute precision saves a write per request. */
const LAST_USED_PRECISION_MS = 60_000;

/** The active key a bearer token belongs to, or null. */
@Injectable()
export class VerifyApiKeyUseCase {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly cache: ApiKeyCache,
  ) {}

  async execute(bearer: string, now = new Date()): Promise<ApiKeyRecord | null> {
    if (!isWellFormedApiKey(bearer)) return null;
    // Found through the SHA-256 of the presented token, never by comparing secrets: a lookup's
    // timing can only tell something about hashes, which does not bring anyone closer to a key.
    // Unknown keys are not kept: made-up tokens must not push real keys out.
    const key = await this.cache.get(hashApiKey(bearer), (hash) => this.keys.findByHash(hash), (found) => found !== null && !found.revokedAt);
    if (!key || key.revokedAt) return null;
    const stale = !key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() >= LAST_USED_PRECISION_MS;
    if (stale && (await this.keys.touch(key.id, now, LAST_USED_PRECISION_MS))) key.lastUsedAt = now;
    return key;
  }
}
