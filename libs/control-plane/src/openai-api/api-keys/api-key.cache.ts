import { Injectable } from '@nestjs/common';
import { ExpiringCache } from '@switchboard/core';
import type { ApiKeyRecord } from '@switchboard/persistence';

// A revocation made through another replica reaches this one within this time (through this one: at once).
const TTL_MS = 5_000;
const MAX_KEYS = 10_000;

/** Active API keys by the hash of their secret: every API request verifies its key. */
@Injectable()
export class ApiKeyCache extends ExpiringCache<ApiKeyRecord | null> {
  constructor() {
    super({ ttlMs: TTL_MS, maxEntries: MAX_KEYS });
  }
}
