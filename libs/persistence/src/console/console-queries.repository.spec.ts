import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError, ErrorCode } from '@switchboard/core';
import { TEST_DATABASE_KINDS, TestDatabase, openTestDatabase, uniquePlatform } from '../security/testing-databases';
import { AllowlistQuery, ConsoleQueriesRepository, SessionQuery } from './console-queries.repository';
import { TOTAL_CAP } from './keyset';

const SAME_INSTANT = new Date('2030-01-01T10:00:00.123Z');

/** Every page of a list, following `nextCursor` from the first; fails on a cursor loop. */
async function allPages<T>(first: (cursor?: string) => Promise<{ items: T[]; nextCursor: string | null }>): Promise<T[][]> {
  const pages: T[][] = [];
  let cursor: string | undefined;
  do {
    const page = await first(cursor);
    pages.push(page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && pages.length < 100);
  return pages;
}

describe.each(TEST_DATABASE_KINDS)('ConsoleQueriesRepository on %s', (kind) => {
  let database: TestDatabase;
  let queries: ConsoleQueriesRepository;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    queries = new ConsoleQueriesRepository(database.db);
  });
  afterAll(() => database.close());

  const allowlist = (query: Partial<AllowlistQuery>) => queries.allowlistPage({ sort: 'createdAt', order: 'desc', limit: 50, ...query });
  const sessions = (query: Partial<SessionQuery>) => queries.sessionPage({ limit: 50, ...query });

  async function addEntries(platform: string, entries: Array<{ userId: string; note?: string; createdAt?: Date }>) {
    await database.db.prisma.allowlistEntry.createMany({
      data: entries.map((e) => ({ platform, userId: e.userId, note: e.note, createdAt: e.createdAt ?? SAME_INSTANT })),
    });
  }

  async function addSession(platform: string, chatId: string, lastActivityAt: Date, texts: string[] = []) {
    return database.db.prisma.session.create({
      data: {
        key: `agent:main:${platform}:dm:${chatId}`,
        agentId: 'main',
        platform,
        chatType: 'dm',
        chatId,
        lastActivityAt,
        messages: { create: texts.map((text) => ({ direction: 'inbound' as const, role: 'user' as const, platform, senderId: `sender-${chatId}`, text })) },
      },
    });
  }

  describe('allowlist', () => {
    it('finds a user id or a note containing the words, whatever their case, and nothing else', async () => {
      const platform = uniquePlatform();
      await addEntries(platform, [
        { userId: 'alice-4242', note: 'from Support' },
        { userId: 'bob', note: 'met at the SUPPORT desk' },
        { userId: 'carol', note: 'friend' },
        { userId: 'x50%off' },
        { userId: 'x500ff' },
      ]);

      const ids = async (search: string) => (await allowlist({ platform, search, sort: 'userId', order: 'asc' })).items.map((e) => e.userId);
      expect(await ids('support')).toEqual(['alice-4242', 'bob']);
      expect(await ids('ICE-42')).toEqual(['alice-4242']);
      expect(await ids('nobody')).toEqual([]);
      // % and _ are text to find, not patterns.
      expect(await ids('50%')).toEqual(['x50%off']);
      expect(await ids('x5_0')).toEqual([]);
    });

    it.each([
      ['createdAt', 'desc'],
      ['createdAt', 'asc'],
      ['userId', 'asc'],
      ['platform', 'desc'],
    ] as const)('pages by %s %s without repeating or skipping entries whose sort keys are equal', async (sort, order) => {
      // Seven entries added in the same millisecond on two platforms, three user ids on both.
      const tag = uniquePlatform('same');
      const [p1, p2] = [uniquePlatform(), uniquePlatform()];
      await addEntries(p1, [0, 1, 2, 3].map((n) => ({ userId: `${tag}-${n}` })));
      await addEntries(p2, [0, 1, 2].map((n) => ({ userId: `${tag}-${n}` })));

      const pages = await allPages((cursor) => allowlist({ search: tag, sort, order, cursor, limit: 3 }));
      const whole = (await allowlist({ search: tag, sort, order, limit: 50 })).items;

      expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
      expect(pages.flat()).toEqual(whole);
      expect(new Set(pages.flat().map((e) => `${e.platform}:${e.userId}`)).size).toBe(7);
      const keys = whole.map((e) => (sort === 'createdAt' ? e.createdAt.getTime() : e[sort]));
      expect(keys).toEqual([...keys].sort((a, b) => (order === 'asc' ? 1 : -1) * (a < b ? -1 : a > b ? 1 : 0)));
    });

    it('counts matches exactly up to the cap and says when there are more', async () => {
      const platform = uniquePlatform();
      await addEntries(platform, Array.from({ length: TOTAL_CAP + 5 }, (_, i) => ({ userId: `u${i}`, note: i < 60 ? 'tagged' : undefined })));

      expect(await allowlist({ platform, limit: 10 })).toMatchObject({ total: TOTAL_CAP, totalCapped: true });
      const tagged = await allowlist({ platform, search: 'tagged', limit: 10 });
      expect(tagged).toMatchObject({ total: 60, totalCapped: false });
      // A later page reports the same total.
      expect(await allowlist({ platform, search: 'tagged', limit: 10, cursor: tagged.nextCursor! })).toMatchObject({ total: 60, totalCapped: false });
      expect(await allowlist({ platform, search: 'u1000', limit: 10 })).toMatchObject({ items: [expect.objectContaining({ userId: 'u1000' })], total: 1, totalCapped: false, nextCursor: null });
    });

    it('refuses a cursor it did not give out', async () => {
      for (const cursor of ['not-a-cursor', Buffer.from('["2030-01-01T00:00:00Z","not-a-uuid"]').toString('base64url'), Buffer.from('["yesterday","00000000-0000-0000-0000-000000000000"]').toString('base64url')]) {
        const refused = await allowlist({ cursor }).catch((error: unknown) => error);
        expect(refused).toBeInstanceOf(DomainError);
        expect((refused as DomainError).code).toBe(ErrorCode.INVALID_INPUT);
      }
    });
  });

  describe('sessions', () => {
    it('finds the sessions whose messages contain the words, newest activity first', async () => {
      const platform = uniquePlatform();
      await addSession(platform, 'c1', new Date('2030-01-01T10:00:00Z'), ['Where is my PARCEL?', 'thanks']);
      await addSession(platform, 'c2', new Date('2030-01-01T11:00:00Z'), ['the parcel arrived']);
      await addSession(platform, 'c3', new Date('2030-01-01T12:00:00Z'), ['hello']);

      expect((await sessions({ platform, text: 'parcel' })).items.map((s) => s.chatId)).toEqual(['c2', 'c1']);
      expect((await sessions({ platform, text: 'parcel' })).total).toBe(2);
      expect((await sessions({ platform, userId: 'sender-c3' })).items.map((s) => s.chatId)).toEqual(['c3']);
    });

    it('pages sessions with the same last activity without repeating or skipping one', async () => {
      const platform = uniquePlatform();
      for (let i = 0; i < 8; i++) await addSession(platform, `same-${i}`, SAME_INSTANT);
      await addSession(platform, 'newest', new Date(SAME_INSTANT.getTime() + 1));

      const pages = await allPages((cursor) => sessions({ platform, cursor, limit: 4 }));

      expect(pages.map((page) => page.length)).toEqual([4, 4, 1]);
      const chats = pages.flat().map((s) => s.chatId);
      expect(chats[0]).toBe('newest');
      expect(new Set(chats).size).toBe(9);
      expect(pages.flat()).toEqual((await sessions({ platform, limit: 50 })).items);
    });

    it('counts sessions up to the cap', async () => {
      const platform = uniquePlatform();
      await database.db.prisma.session.createMany({
        data: Array.from({ length: TOTAL_CAP + 1 }, (_, i) => ({ key: `agent:main:${platform}:dm:${i}`, agentId: 'main', platform, chatType: 'dm' as const, chatId: String(i) })),
      });

      expect(await sessions({ platform, limit: 5 })).toMatchObject({ total: TOTAL_CAP, totalCapped: true });
      expect(await sessions({ platform, chatId: '7', limit: 5 })).toMatchObject({ total: 1, totalCapped: false, nextCursor: null });
    });
  });
});
