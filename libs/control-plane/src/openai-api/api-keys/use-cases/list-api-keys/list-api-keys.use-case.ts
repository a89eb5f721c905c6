import { Injectable } from '@nestjs/common';
import { ApiKeyRepository } from '@switchboard/persistence';
import type { ApiKeyRecord } from '@switchboard/persistence';

/** Every API key, oldest first, revoked ones included; the keys themselves are never known. */
@Injectable()
export class ListApiKeysUseCase {
  constructor(private readonly keys: ApiKeyRepository) {}

  execute(): Promise<ApiKeyRecord[]> {
    return this.keys.list();
  }
}
