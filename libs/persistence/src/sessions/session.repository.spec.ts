import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundDm } from '@switchboard/testing';
import { MessageRepository } from '../messages/message.repository';
import { TEST_DATABASE_KINDS, TestDatabase, openTestDatabase, uniquePlatform } from '../security/testing-databases';
import { SessionRepository, type SessionIdentity } from './session.repository';

describe.each(TEST_DATABASE_KINDS)('SessionRepository on %s', (kind) => {
  let database: TestDatabase;
  let messages: MessageRepository;
  let sessions: SessionRepository;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    messages = new MessageRepository(database.db);
    sessions = new SessionRepository(database.db);
  });
  afterAll(() => database.close());

  it('lists the sessions of one chat of one account, threads included, most recently active first', async () => {
    const platform = uniquePlatform();
    const session = async (accountId: string, chatId: string, threadId: string | undefined, at: string) => {
      const identity: SessionIdentity = { key: `${platform}:${accountId}:${chatId}:${threadId ?? ''}`, agentId: 'main', platform, accountId, chatType: 'dm', chatId, threadId };
      return (await messages.acceptInbound(identity, inboundDm(platform, 'u', { accountId, chatId, threadId }), new Date(at))).session;
    };
    const main = await session('default', 'D1', undefined, '2030-01-01T10:00:00Z');
    const thread = await session('default', 'D1', '1733216460.000300', '2030-01-01T11:00:00Z');
    const older = await session('default', 'D1', '1733216400.000100', '2030-01-01T09:00:00Z');
    await session('default', 'D2', undefined, '2030-01-01T12:00:00Z');
    await session('support', 'D1', undefined, '2030-01-01T12:00:00Z');

    const inChat = await sessions.inChat({ platform, accountId: 'default', chatId: 'D1' }, 10);
    expect(inChat.map((found) => found.id)).toEqual([thread.id, main.id, older.id]);
    expect(inChat[0]).toMatchObject({ threadId: '1733216460.000300', lastActivityAt: new Date('2030-01-01T11:00:00Z') });
    expect(await sessions.inChat({ platform, accountId: 'default', chatId: 'D1' }, 2)).toHaveLength(2);
  });
});
