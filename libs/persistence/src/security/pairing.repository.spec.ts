import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NewPairingRequest, PairingRepository } from './pairing.repository';
import { TEST_DATABASE_KINDS, TestDatabase, openTestDatabase, uniquePlatform } from './testing-databases';

const HOUR = 3_600_000;
const t0 = new Date('2030-01-01T10:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

function newRequest(platform: string, overrides: Partial<NewPairingRequest> = {}): NewPairingRequest {
  return {
    platform,
    accountId: 'default',
    userId: 'u1',
    displayName: 'Ada',
    chatId: 'chat-1',
    codeHash: randomBytes(32).toString('hex'),
    createdAt: t0,
    expiresAt: at(HOUR),
    ...overrides,
  };
}

describe.each(TEST_DATABASE_KINDS)('PairingRepository on %s', (kind) => {
  let database: TestDatabase;
  let pairing: PairingRepository;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    pairing = new PairingRepository(database.db);
  });
  afterAll(() => database.close());

  it('creates a pending request and finds it by its code hash', async () => {
    const platform = uniquePlatform();
    const input = newRequest(platform);
    const created = await pairing.create(input);

    expect(created).toEqual({
      id: expect.any(String),
      platform,
      accountId: 'default',
      userId: 'u1',
      displayName: 'Ada',
      chatId: 'chat-1',
      status: 'pending',
      expiresAt: at(HOUR),
      createdAt: t0,
      resolvedAt: null,
      resolvedBy: null,
    });
    expect(await pairing.findByCodeHash(input.codeHash)).toEqual(created);
    expect(await pairing.findByCodeHash('0'.repeat(64))).toBeNull();
  });

  it('counts only pending requests that have not expired, optionally without one user', async () => {
    const platform = uniquePlatform();
    await pairing.create(newRequest(platform, { userId: 'a' }));
    await pairing.create(newRequest(platform, { userId: 'b', expiresAt: at(10 * 60_000) }));
    const resolved = await pairing.create(newRequest(platform, { userId: 'c' }));
    await pairing.resolve(resolved.id, 'revoked', t0);
    await pairing.create(newRequest(uniquePlatform(), { userId: 'other-platform' }));

    expect(await pairing.countPending(platform, t0)).toBe(2);
    expect(await pairing.countPending(platform, t0, 'a')).toBe(1);
    // b's request expires at t0 + 10 min.
    expect(await pairing.countPending(platform, at(10 * 60_000))).toBe(1);
  });

  it("returns the user's latest request", async () => {
    const platform = uniquePlatform();
    await pairing.create(newRequest(platform, { createdAt: t0 }));
    const later = await pairing.create(newRequest(platform, { createdAt: at(60_000) }));
    await pairing.create(newRequest(platform, { userId: 'someone-else', createdAt: at(120_000) }));

    expect(await pairing.findLatestForUser(platform, 'u1')).toEqual(later);
    expect(await pairing.findLatestForUser(platform, 'nobody')).toBeNull();
  });

  it('lists pending unexpired requests oldest first, of one platform or all', async () => {
    const platform = uniquePlatform();
    const other = uniquePlatform();
    const second = await pairing.create(newRequest(platform, { userId: 'second', createdAt: at(1_000) }));
    const first = await pairing.create(newRequest(platform, { userId: 'first', createdAt: t0 }));
    await pairing.create(newRequest(platform, { userId: 'expired', expiresAt: at(-1) }));
    const elsewhere = await pairing.create(newRequest(other));

    expect((await pairing.listPending(t0, platform)).map((r) => r.id)).toEqual([first.id, second.id]);
    const all = (await pairing.listPending(t0)).map((r) => r.id);
    expect(all).toEqual(expect.arrayContaining([first.id, second.id, elsewhere.id]));
  });

  it('resolves a pending request once, recording when and by whom', async () => {
    const platform = uniquePlatform();
    const input = newRequest(platform);
    const created = await pairing.create(input);

    expect(await pairing.resolve(created.id, 'approved', at(5_000), 'cli:root')).toBe(true);
    expect(await pairing.resolve(created.id, 'revoked', at(6_000))).toBe(false);
    expect(await pairing.findByCodeHash(input.codeHash)).toMatchObject({
      status: 'approved',
      resolvedAt: at(5_000),
      resolvedBy: 'cli:root',
    });
  });

  it("resolves all of one user's pending requests and nothing else", async () => {
    const platform = uniquePlatform();
    await pairing.create(newRequest(platform));
    await pairing.create(newRequest(platform));
    const kept = await pairing.create(newRequest(platform, { userId: 'u2' }));

    expect(await pairing.resolvePendingForUser(platform, 'u1', 'revoked', t0, 'admin')).toBe(2);
    expect((await pairing.listPending(t0, platform)).map((r) => r.id)).toEqual([kept.id]);
  });

  describe('approval guard', () => {
    it('has no guard before the first failure', async () => {
      expect(await pairing.findApprovalGuard(uniquePlatform())).toBeNull();
    });

    it('counts failures within the window and restarts the count after it', async () => {
      const platform = uniquePlatform();
      await pairing.recordApprovalFailure(platform, t0, HOUR);
      const second = await pairing.recordApprovalFailure(platform, at(30 * 60_000), HOUR);
      expect(second).toEqual({ platform, failures: 2, windowStartedAt: t0, lockedUntil: null });

      const fresh = await pairing.recordApprovalFailure(platform, at(HOUR + 1), HOUR);
      expect(fresh).toMatchObject({ failures: 1, windowStartedAt: at(HOUR + 1) });
      expect(await pairing.findApprovalGuard(platform)).toEqual(fresh);
    });

    it('counts concurrent failures without losing any', async () => {
      const platform = uniquePlatform();
      await Promise.all(Array.from({ length: 5 }, () => pairing.recordApprovalFailure(platform, t0, HOUR)));
      expect((await pairing.findApprovalGuard(platform))?.failures).toBe(5);
    });

    it('locks approvals and starts a new window', async () => {
      const platform = uniquePlatform();
      await pairing.recordApprovalFailure(platform, t0, HOUR);
      await pairing.lockApprovals(platform, at(HOUR), at(1_000));

      expect(await pairing.findApprovalGuard(platform)).toEqual({
        platform,
        failures: 0,
        windowStartedAt: at(1_000),
        lockedUntil: at(HOUR),
      });
    });
  });
});
