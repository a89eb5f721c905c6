import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANY_PLATFORM, AllowlistRepository } from './allowlist.repository';
import { TEST_DATABASE_KINDS, TestDatabase, openTestDatabase, uniquePlatform } from './testing-databases';

describe.each(TEST_DATABASE_KINDS)('AllowlistRepository on %s', (kind) => {
  let database: TestDatabase;
  let allowlist: AllowlistRepository;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    allowlist = new AllowlistRepository(database.db);
  });
  afterAll(() => database.close());

  it('allows a user added for the platform and nobody else', async () => {
    const platform = uniquePlatform();
    expect(await allowlist.add({ platform, userId: '42', note: 'friend', createdBy: 'cli' })).toBe(true);

    expect(await allowlist.isAllowed(platform, '42')).toBe(true);
    expect(await allowlist.isAllowed(platform, '43')).toBe(false);
    expect(await allowlist.isAllowed(uniquePlatform(), '42')).toBe(false);
  });

  it('adds the same user twice without error and keeps one entry', async () => {
    const platform = uniquePlatform();
    await allowlist.add({ platform, userId: '7' });
    expect(await allowlist.add({ platform, userId: '7', note: 'again' })).toBe(false);

    const entries = await allowlist.list(platform);
    expect(entries.filter((entry) => entry.platform === platform)).toEqual([
      { platform, userId: '7', note: null, createdBy: null, createdAt: expect.any(Date) },
    ]);
  });

  it('lets a "*" entry allow the user on every platform and lists it with each platform', async () => {
    const userId = `global-${uniquePlatform()}`;
    await allowlist.add({ platform: ANY_PLATFORM, userId });
    const platform = uniquePlatform();
    await allowlist.add({ platform, userId: 'local' });

    expect(await allowlist.isAllowed(uniquePlatform(), userId)).toBe(true);
    const listed = await allowlist.list(platform);
    expect(listed.map((entry) => [entry.platform, entry.userId])).toEqual(
      expect.arrayContaining([
        [ANY_PLATFORM, userId],
        [platform, 'local'],
      ]),
    );
    expect(listed.every((entry) => entry.platform === platform || entry.platform === ANY_PLATFORM)).toBe(true);
  });

  it('removes only the entry of the given platform', async () => {
    const platform = uniquePlatform();
    const userId = `both-${platform}`;
    await allowlist.add({ platform, userId });
    await allowlist.add({ platform: ANY_PLATFORM, userId });

    expect(await allowlist.remove(platform, userId)).toBe(true);
    expect(await allowlist.remove(platform, userId)).toBe(false);
    expect((await allowlist.list(platform)).some((entry) => entry.platform === platform)).toBe(false);
    // Still allowed through the "*" entry.
    expect(await allowlist.isAllowed(platform, userId)).toBe(true);
  });

  it('lists entries of every platform when no platform is given', async () => {
    const first = uniquePlatform();
    const second = uniquePlatform();
    await allowlist.add({ platform: first, userId: 'a' });
    await allowlist.add({ platform: second, userId: 'b' });

    const platforms = (await allowlist.list()).map((entry) => entry.platform);
    expect(platforms).toEqual(expect.arrayContaining([first, second]));
  });
});
