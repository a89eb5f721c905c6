import { Injectable, Logger } from '@nestjs/common';
import { DomainError, ErrorCode } from '@switchboard/core';
import { ApiKeyRepository } from '@switchboard/persistence';
import type { ApiKeyRecord } from '@switchboard/persistence';
import { ApiKeyCache } from '../../api-key.cache';

export interface RevokedApiKey {
  apiKey: ApiKeyRecord;
  /** False when the key had been revoked before. */
  revoked: boolean;
}

/** Revokes a key by name or id: the next request with it gets 401. */
@Injectable()
export class RevokeApiKeyUseCase {
  private readonly logger = new Logger('ApiKeys');

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly cache: ApiKeyCache,
  ) {}

  async execute(ref: string, actor: string, now = new Date()): Promise<RevokedApiKey> {
    const key = await this.keys.findByNameOrId(ref.trim());
    if (!key) throw new DomainError(ErrorCode.NOT_FOUND, `no API key named "${ref}"`);
    const revoked = await this.keys.revoke(key.id, now);
    // Keys are cached by their secret's hash, which is not at hand here; revocations are rare.
    this.cache.clear();
    if (!revoked) return { apiKey: key, revoked: false };
    this.logger.log(`${actor} revoked API key "${key.name}" (${key.prefix}…)`);
    return { apiKey: { ...key, revokedAt: now }, revoked: true };
  }
}
