import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiKeyRepository } from '@switchboard/persistence';
import { TestDatabase, openTestDatabase } from '@switchboard/persistence/security/testing-databases';
import { generateApiKey } from '../../api-key-secret';
import { ApiKeyCache } from '../../api-key.cache';
import { CreateApiKeyUseCase } from '../create-api-key/create-api-key.use-case';
import { VerifyApiKeyUseCase } from './verify-api-key.use-case';

const t0 = new Date('2030-03-01T08:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

describe('VerifyApiKeyUseCase', () => {
  let database: TestDatabase;
  let keys: ApiKeyRepository;
  let create: CreateApiKeyUseCase;
  let verify: VerifyApiKeyUseCase;
  const newKey = () => create.execute({ name: `key-${randomBytes(4).toString('hex')}` }, 'cli', t0);

  beforeAll(async () => {
    Logger.overrideLogger(false);
    database = await openTestDatabase('pglite');
    keys = new ApiKeyRepository(database.db);
    create = new CreateApiKeyUseCase(keys);
    verify = new VerifyApiKeyUseCase(keys, new ApiKeyCache());
  });
  afterAll(() => database.close());

  it('returns the key record for a valid key', async () => {
    const { key, apiKey } = await newKey();
    expect(await verify.execute(key, t0)).toEqual({ ...apiKey, lastUsedAt: t0 });
  });

  it('reads a verified key from the database once, and an unknown one every time', async () => {
    const { key } = await newKey();
    const reads = vi.spyOn(keys, 'findByHash');
    const unknown = generateApiKey().key;
    for (let i = 0; i < 3; i++) {
      expect(await verify.execute(key, t0)).not.toBeNull();
      expect(await verify.execute(unknown, t0)).toBeNull();
    }
    expect(reads).toHaveBeenCalledTimes(4);
    reads.mockRestore();
  });

  it('returns null for unknown, malformed and revoked keys', async () => {
    const { key, apiKey } = await newKey();
    expect(await verify.execute(generateApiKey().key)).toBeNull();
    expect(await verify.execute(key.slice(0, -1))).toBeNull();
    expect(await verify.execute(` ${key}`)).toBeNull();
    expect(await verify.execute('')).toBeNull();

    await keys.revoke(apiKey.id, t0);
    expect(await verify.execute(key)).toBeNull();
  });

  it('records when the key was last used, at most once a minute', async () => {
    const { key, apiKey } = await newKey();
    const lastUsed = async () => (await keys.findByNameOrId(apiKey.name))?.lastUsedAt;

    await verify.execute(key, t0);
    expect(await lastUsed()).toEqual(t0);
    await verify.execute(key, at(59_000));
    expect(await lastUsed()).toEqual(t0);
    await verify.execute(key, at(60_000));
    expect(await lastUsed()).toEqual(at(60_000));
  });
});
