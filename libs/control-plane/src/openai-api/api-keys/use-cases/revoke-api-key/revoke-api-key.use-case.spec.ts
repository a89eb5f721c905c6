import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyRepository } from '@switchboard/persistence';
import { TestDatabase, openTestDatabase } from '@switchboard/persistence/security/testing-databases';
import { ApiKeyCache } from '../../api-key.cache';
import { CreateApiKeyUseCase } from '../create-api-key/create-api-key.use-case';
import { VerifyApiKeyUseCase } from '../verify-api-key/verify-api-key.use-case';
import { RevokeApiKeyUseCase } from './revoke-api-key.use-case';

const t0 = new Date('2030-03-01T08:00:00Z');

describe('RevokeApiKeyUseCase', () => {
  let database: TestDatabase;
  let create: CreateApiKeyUseCase;
  let revoke: RevokeApiKeyUseCase;
  let verify: VerifyApiKeyUseCase;
  const newKey = () => create.execute({ name: `key-${randomBytes(4).toString('hex')}` }, 'cli');

  beforeAll(async () => {
    Logger.overrideLogger(false);
    database = await openTestDatabase('pglite');
    const keys = new ApiKeyRepository(database.db);
    create = new CreateApiKeyUseCase(keys);
    // One cache, as in the gateway: a key verified (and so cached) before its revocation stops working.
    const cache = new ApiKeyCache();
    revoke = new RevokeApiKeyUseCase(keys, cache);
    verify = new VerifyApiKeyUseCase(keys, cache);
  });
  afterAll(() => database.close());

  it('revokes a key by name: it stops working', async () => {
    const { key, apiKey } = await newKey();
    expect(await verify.execute(key)).not.toBeNull();

    const result = await revoke.execute(apiKey.name, 'cli', t0);

    expect(result).toEqual({ apiKey: { ...apiKey, lastUsedAt: expect.any(Date), revokedAt: t0 }, revoked: true });
    expect(await verify.execute(key)).toBeNull();
  });

  it('revokes a key by id, and says so when it was revoked already', async () => {
    const { apiKey } = await newKey();
    expect((await revoke.execute(apiKey.id, 'cli', t0)).revoked).toBe(true);

    const again = await revoke.execute(apiKey.id, 'cli');
    expect(again.revoked).toBe(false);
    expect(again.apiKey.revokedAt).toEqual(t0);
  });

  it('refuses an unknown name with NOT_FOUND, leaving other keys alone', async () => {
    const { key } = await newKey();
    await expect(revoke.execute('no-such-key', 'cli')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await verify.execute(key)).not.toBeNull();
  });
});
