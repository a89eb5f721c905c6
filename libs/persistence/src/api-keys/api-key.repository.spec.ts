import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_KINDS, TestDatabase, openTestDatabase } from '../security/testing-databases';
import { ApiKeyRepository, NewApiKey } from './api-key.repository';

const MINUTE = 60_000;
const t0 = new Date('2030-01-01T10:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

function newKey(overrides: Partial<NewApiKey> = {}): NewApiKey {
  return {
    name: `key-${randomBytes(4).toString('hex')}`,
    prefix: 'sb-abcdefg',
    keyHash: randomBytes(32).toString('hex'),
    scopes: [],
    rateLimitPerMinute: null,
    createdBy: 'cli',
    createdAt: t0,
    ...overrides,
  };
}

describe.each(TEST_DATABASE_KINDS)('ApiKeyRepository on %s', (kind) => {
  let database: TestDatabase;
  let keys: ApiKeyRepository;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    keys = new ApiKeyRepository(database.db);
  });
  afterAll(() => database.close());

  it('stores a key and finds it by its hash, without exposing the hash', async () => {
    const input = newKey({ scopes: ['chat'], rateLimitPerMinute: 30 });
    const created = await keys.insert(input);

    expect(created).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: input.name,
      prefix: 'sb-abcdefg',
      scopes: ['chat'],
      rateLimitPerMinute: 30,
      createdBy: 'cli',
      createdAt: t0,
      lastUsedAt: null,
      revokedAt: null,
    });
    expect(await keys.findByHash(input.keyHash)).toEqual(created);
    expect(await keys.findByHash('0'.repeat(64))).toBeNull();
  });

  it('refuses a second key with a taken name, revoked or not', async () => {
    const first = newKey();
    const stored = await keys.insert(first);
    expect(await keys.insert(newKey({ name: first.name }))).toBeNull();

    await keys.revoke(stored!.id, t0);
    expect(await keys.insert(newKey({ name: first.name }))).toBeNull();
  });

  it('finds a key by name or by id, and nothing for other text', async () => {
    const stored = await keys.insert(newKey());

    expect(await keys.findByNameOrId(stored!.name)).toEqual(stored);
    expect(await keys.findByNameOrId(stored!.id)).toEqual(stored);
    expect(await keys.findByNameOrId(stored!.id.toUpperCase())).toEqual(stored);
    expect(await keys.findByNameOrId('no-such-key')).toBeNull();
    expect(await keys.findByNameOrId('00000000-0000-4000-8000-000000000000')).toBeNull();
  });

  it('lists every key oldest first, revoked ones included', async () => {
    const later = await keys.insert(newKey({ createdAt: at(2_000) }));
    const earlier = await keys.insert(newKey({ createdAt: at(1_000) }));
    await keys.revoke(later!.id, at(3_000));

    const ids = (await keys.list()).map((key) => key.id);
    expect(ids.indexOf(earlier!.id)).toBeLessThan(ids.indexOf(later!.id));
    expect((await keys.list()).find((key) => key.id === later!.id)?.revokedAt).toEqual(at(3_000));
  });

  it('revokes an active key once', async () => {
    const stored = await keys.insert(newKey());

    expect(await keys.revoke(stored!.id, at(5_000))).toBe(true);
    expect(await keys.revoke(stored!.id, at(6_000))).toBe(false);
    expect((await keys.findByNameOrId(stored!.name))?.revokedAt).toEqual(at(5_000));
  });

  it('records a use at most once per interval', async () => {
    const stored = await keys.insert(newKey());

    expect(await keys.touch(stored!.id, t0, MINUTE)).toBe(true);
    expect(await keys.touch(stored!.id, at(MINUTE - 1), MINUTE)).toBe(false);
    expect((await keys.findByNameOrId(stored!.name))?.lastUsedAt).toEqual(t0);

    expect(await keys.touch(stored!.id, at(MINUTE), MINUTE)).toBe(true);
    expect((await keys.findByNameOrId(stored!.name))?.lastUsedAt).toEqual(at(MINUTE));
  });

  it('writes a use once when concurrent requests record it together', async () => {
    const stored = await keys.insert(newKey());
    const written = await Promise.all(Array.from({ length: 5 }, () => keys.touch(stored!.id, t0, MINUTE)));
    expect(written.filter(Boolean)).toHaveLength(1);
  });
});
