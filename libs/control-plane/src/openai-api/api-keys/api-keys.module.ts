import { Module } from '@nestjs/common';
import { PersistenceModule } from '@switchboard/persistence';
import { ApiKeyCache } from './api-key.cache';
import { ApiKeysAdminService } from './api-keys-admin';
import { CreateApiKeyUseCase } from './use-cases/create-api-key/create-api-key.use-case';
import { ListApiKeysUseCase } from './use-cases/list-api-keys/list-api-keys.use-case';
import { RevokeApiKeyUseCase } from './use-cases/revoke-api-key/revoke-api-key.use-case';
import { VerifyApiKeyUseCase } from './use-cases/verify-api-key/verify-api-key.use-case';

const providers = [ApiKeyCache, CreateApiKeyUseCase, ListApiKeysUseCase, RevokeApiKeyUseCase, VerifyApiKeyUseCase, ApiKeysAdminService];

/** API keys of the OpenAI-compatible API. */
@Module({ imports: [PersistenceModule], providers, exports: providers })
export class ApiKeysModule {}
