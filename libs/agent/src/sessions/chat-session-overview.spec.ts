import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversationRepository, MessageRepository, SessionRepository, TurnRepository, type SessionIdentity } from '@switchboard/persistence';
import { TestDatabase, openTestDatabase, uniquePlatform } from '@switchboard/persistence/security/testing-databases';
import { inboundDm } from '@switchboard/testing';
import { ChatSessionOverview } from './chat-session-overview';

describe('ChatSessionOverview', () => {
  let database: TestDatabase;
  let messages: MessageRepository;
  let sessions: SessionRepository;
  let turns: TurnRepository;

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    messages = new MessageRepository(database.db);
    sessions = new SessionRepository(database.db);
    turns = new TurnRepository(database.db);
  });
  afterAll(() => database.close());

  const router = { describe: () => ({ provider: 'echo' as const, model: 'main', fallbacks: ['echo:other'] }) };

  it('describes each session of a chat: its model, title, messages since it started afresh, and whether an answer is pending', async () => {
    const platform = uniquePlatform('home');
    const identity = (threadId?: string): SessionIdentity => ({ key: `${platform}:D1:${threadId ?? ''}`, agentId: 'main', platform, accountId: 'default', chatType: 'dm', chatId: 'D1', threadId });
    const accept = (threadId: string | undefined, text: string, at: string) =>
      messages.acceptInbound(identity(threadId), inboundDm(platform, 'u', { chatId: 'D1', threadId, text }), new Date(at));

    // The DM itself: answered, on a model and with a title of its own.
    const asked = await accept(undefined, 'hello', '2030-01-01T10:00:00Z');
    const turn = await turns.begin(asked.message!.id, 'run-1');
    const saved = await turns.saveGenerated(turn.id, asked.session.id, { text: 'hi', parts: ['hi'], model: null }, 'run-1');
    await turns.markPartDelivered(turn.id, saved.parts[0].id, 'ts-1', 'run-1');
    await sessions.updateSettings(asked.session.id, { model: 'echo:other' });
    await new ConversationRepository(database.db).setTitle((await sessions.findById(asked.session.id))!.conversationId!, 'Trip plans');
    // A thread of it: its message not answered yet.
    await accept('1733216460.000300', 'and this?', '2030-01-01T11:00:00Z');

    const overview = new ChatSessionOverview(sessions, messages, router);
    expect(await overview.sessionsOf({ platform, accountId: 'default', chatId: 'D1' }, 10)).toEqual([
      { threadId: '1733216460.000300', model: 'echo:main → echo:other', messageCount: 1, lastActivityAt: new Date('2030-01-01T11:00:00Z'), busy: true },
      { title: 'Trip plans', model: 'echo:other', messageCount: 2, lastActivityAt: new Date('2030-01-01T10:00:00Z'), busy: false },
    ]);
    expect(await overview.sessionsOf({ platform, accountId: 'default', chatId: 'D2' }, 10)).toEqual([]);
  });
});
