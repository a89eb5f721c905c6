import { createHash, randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyRepository } from '@switchboard/persistence';
import { TestDatabase, openTestDatabase } from '@switchboard/persistence/security/testing-databases';
import { ListApiKeysUseCase } from '../list-api-keys/list-api-keys.use-case';
import { CreateApiKeyUseCase } from './create-api-key.use-case';

const t0 = new Date('2030-03-01T08:00:00Z');
const uniqueName = () => `key-${randomBytes(4).toString('hex')}`;

describe('CreateApiKeyUseCase', () => {
  let database: TestDatabase;
  let keys: ApiKeyRepository;
  let create: CreateApiKeyUseCase;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    database = await openTestDatabase('pglite');
    keys = new ApiKeyRepository(database.db);
    create = new CreateApiKeyUseCase(keys);
  });
  afterAll(() => database.close());

  it('returns the key once and stores only its SHA-256 and first 10 characters', async () => {
    const name = uniqueName();
    const { key, apiKey } = await create.execute({ name, rateLimitPerMinute: 60 }, 'cli', t0);

    expect(key).toMatch(/^sb-[A-Za-z0-9_-]{43}$/);
    expect(apiKey).toEqual({
      id: expect.any(String),
      name,
      prefix: key.slice(0, 10),
      scopes: [],
      rateLimitPerMinute: 60,
      createdBy: 'cli',
      createdAt: t0,
      lastUsedAt: null,
      revokedAt: null,
    });
    expect(await keys.findByHash(createHash('sha256').update(key).digest('hex'))).toEqual(apiKey);
    const listed = JSON.stringify(await new ListApiKeysUseCase(keys).execute());
    expect(listed).toContain(name);
    expect(listed).not.toContain(key);
  });

  it('keeps each scope once', async () => {
    const { apiKey } = await create.execute({ name: uniqueName(), scopes: ['chat', 'chat'] }, 'cli');
    expect(apiKey.scopes).toEqual(['chat']);
  });

  it('refuses a second key with the same name', async () => {
    const name = uniqueName();
    await create.execute({ name }, 'cli');
    await expect(create.execute({ name }, 'cli')).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining(name) });
  });

  it.each([
    [{ name: '' }, 'name: expected 1-64 letters, digits, dots, dashes or underscores'],
    [{ name: 'has space' }, 'name: expected 1-64 letters, digits, dots, dashes or underscores'],
    [{ name: 'x'.repeat(65) }, 'name: expected 1-64 letters, digits, dots, dashes or underscores'],
    [{ name: 'ok', scopes: ['admin'] }, 'scopes: expected scopes among chat, models'],
    [{ name: 'ok', rateLimitPerMinute: 0 }, 'rateLimitPerMinute: expected at least 1 request per minute'],
    [{ name: 'ok', rateLimitPerMinute: 1.5 }, 'rateLimitPerMinute: expected a whole number of requests per minute'],
  ])('refuses %j, naming the field', async (input, message) => {
    await expect(create.execute(input, 'cli')).rejects.toMatchObject({ code: 'INVALID_INPUT', message });
  });
});
