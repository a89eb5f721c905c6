import { cpSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundDm } from '@switchboard/testing';
import { MessageRepository } from '../messages/message.repository';
import { findPrismaDir } from '../migrations/migration-files';
import { Migrator } from '../migrations/migrator';
import { createTempDir } from '../migrations/testing-databases';
import { createPglite } from '../pglite';
import { TEST_DATABASE_KINDS, TestDatabase, openTestDatabase, uniquePlatform } from '../security/testing-databases';
import { ConversationRepository } from './conversation.repository';
import { SessionRepository } from './session.repository';

describe.each(TEST_DATABASE_KINDS)('ConversationRepository on %s', (kind) => {
  let database: TestDatabase;
  let messages: MessageRepository;
  let sessions: SessionRepository;
  let conversations: ConversationRepository;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    messages = new MessageRepository(database.db);
    sessions = new SessionRepository(database.db);
    conversations = new ConversationRepository(database.db);
  });
  afterAll(() => database.close());

  async function chat() {
    const platform = uniquePlatform();
    const identity = { key: `agent:main:${platform}:group:chat-1`, agentId: 'main', platform, accountId: 'default', chatType: 'group' as const, chatId: 'chat-1' };
    const say = async (text: string, userId: string) => (await messages.acceptInbound(identity, inboundDm(platform, userId, { text }), new Date())).message!;
    return { say };
  }

  it('lists the conversations of a session, newest activity first, with their owner, first words and title', async () => {
    const { say } = await chat();
    const first = await say('/help', 'ada');
    await say('plan the   trip', 'ada');
    const firstConversation = (await sessions.findById(first.sessionId))!.conversationId!;
    await conversations.setTitle(firstConversation, 'Trip');
    await sessions.reset(first.sessionId, new Date(), { startedBy: 'bob' });
    await say('ada writes first here', 'ada');

    const listed = await conversations.list(first.sessionId, 10);
    expect(listed).toMatchObject([
      { owner: 'bob', title: null, firstWords: 'ada writes first here', active: true },
      { id: firstConversation, owner: 'ada', title: 'Trip', firstWords: 'plan the   trip', active: false },
    ]);
    expect(listed[0].lastActivityAt.getTime()).toBeGreaterThan(listed[1].lastActivityAt.getTime());
    expect((await sessions.findById(first.sessionId))!.settings.title).toBeNull();

    expect(await conversations.activate(first.sessionId, firstConversation)).toBe(true);
    expect((await sessions.findById(first.sessionId))!.settings.title).toBe('Trip');
    const next = await say('and the hotel?', 'ada');
    expect((await messages.history(first.sessionId, { upTo: next.createdAt, limit: 10 })).map((entry) => entry.text)).toEqual([
      '/help',
      'plan the   trip',
      'and the hotel?',
    ]);
  });

  it('activates no conversation of another session', async () => {
    const one = await (await chat()).say('one', 'ada');
    const other = await (await chat()).say('other', 'ada');
    const otherConversation = (await sessions.findById(other.sessionId))!.conversationId!;

    expect(await conversations.activate(one.sessionId, otherConversation)).toBe(false);
    expect((await sessions.findById(one.sessionId))!.conversationId).not.toBe(otherConversation);
  });

  it('starts a reset policy\'s conversation with the messages accepted since the given instant', async () => {
    const { say } = await chat();
    const before = await say('yesterday', 'ada');
    const stale = await say('today', 'ada');
    const started = await sessions.reset(before.sessionId, new Date(), { from: stale.createdAt });

    const upTo = new Date(stale.createdAt.getTime() + 1);
    expect((await messages.history(before.sessionId, { upTo, limit: 10 })).map((entry) => entry.text)).toEqual(['today']);
    expect((await sessions.findById(before.sessionId))!.conversationId).toBe(started);
  });
});

describe('the conversations migration', () => {
  const migration = '20261203180712_conversations';

  it('gives each session the conversation since its reset (active, with its title) and the one before, holding their messages', async () => {
    const temp = createTempDir();
    const prismaDir = path.join(temp.path, 'prisma');
    cpSync(findPrismaDir(), prismaDir, { recursive: true });
    rmSync(path.join(prismaDir, 'migrations', migration), { recursive: true });
    const db = await createPglite(path.join(temp.path, 'pglite'));
    try {
      const migrate = async () => {
        const migrator = Migrator.forPglite(db, { prismaDir });
        try {
          return await migrator.apply();
        } finally {
          await migrator.close();
        }
      };
      await migrate();
      await db.exec(`
        INSERT INTO "Session" ("id", "key", "agentId", "platform", "chatType", "chatId", "updatedAt", "title", "resetAt", "createdAt") VALUES
          ('00000000-0000-4000-8000-000000000001', 'k1', 'main', 't', 'dm', 'c1', now(), 'Kept', '2030-01-02T00:00:00Z', '2030-01-01T00:00:00Z'),
          ('00000000-0000-4000-8000-000000000002', 'k2', 'main', 't', 'dm', 'c2', now(), NULL, NULL, '2030-01-01T00:00:00Z');
        INSERT INTO "Message" ("id", "sessionId", "direction", "role", "platform", "text", "createdAt") VALUES
          (gen_random_uuid(), '00000000-0000-4000-8000-000000000001', 'inbound', 'user', 't', 'before the reset', '2030-01-01T12:00:00Z'),
          (gen_random_uuid(), '00000000-0000-4000-8000-000000000001', 'inbound', 'user', 't', 'after the reset', '2030-01-03T00:00:00Z'),
          (gen_random_uuid(), '00000000-0000-4000-8000-000000000002', 'inbound', 'user', 't', 'never reset', '2030-01-01T12:00:00Z');`);
      cpSync(path.join(findPrismaDir(), 'migrations', migration), path.join(prismaDir, 'migrations', migration), { recursive: true });
      expect(await migrate()).toEqual([migration]);

      const { rows } = await db.query<{ key: string; text: string; title: string | null; active: boolean }>(`
        SELECT s."key", m."text", c."title", c."id" = s."conversationId" AS "active"
        FROM "Message" m JOIN "Session" s ON s."id" = m."sessionId" JOIN "Conversation" c ON c."id" = m."conversationId"
        ORDER BY s."key", m."createdAt"`);
      expect(rows).toEqual([
        { key: 'k1', text: 'before the reset', title: null, active: false },
        { key: 'k1', text: 'after the reset', title: 'Kept', active: true },
        { key: 'k2', text: 'never reset', title: null, active: true },
      ]);
    } finally {
      await db.close();
      temp.remove();
    }
  });
});
