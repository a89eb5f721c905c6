import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inboundDm } from '@switchboard/testing';
import { TEST_DATABASE_KINDS, TestDatabase, openTestDatabase, uniquePlatform } from '../security/testing-databases';
import { type SessionIdentity, SessionRepository } from '../sessions/session.repository';
import { TurnRepository } from '../turns/turn.repository';
import { MessageRepository } from './message.repository';

describe.each(TEST_DATABASE_KINDS)('MessageRepository on %s', (kind) => {
  let database: TestDatabase;
  let messages: MessageRepository;
  let turns: TurnRepository;
  let sessions: SessionRepository;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    messages = new MessageRepository(database.db);
    sessions = new SessionRepository(database.db);
    turns = new TurnRepository(database.db);
  });
  afterAll(() => database.close());

  function identityOf(platform: string, chatId: string): SessionIdentity {
    return { key: `agent:main:${platform}:dm:${chatId}`, agentId: 'main', platform, accountId: 'default', chatType: 'dm', chatId };
  }

  it('stores a message with its session in one call, and recognises a redelivery', async () => {
    const platform = uniquePlatform();
    const message = inboundDm(platform, '7', {
      text: 'hi there',
      attachments: [{ kind: 'image', platformFileId: 'file-1', mimeType: 'image/png', sizeBytes: 1234 }],
    });
    const at = new Date('2030-05-01T10:00:00Z');

    const first = await messages.acceptInbound(identityOf(platform, message.chatId), message, at);
    expect(first.previousActivityAt).toBeNull();
    expect(first.session).toMatchObject({ key: `agent:main:${platform}:dm:chat-7`, chatType: 'dm', lastActivityAt: at, resetAt: null });
    expect(first.message).toMatchObject({
      sessionId: first.session.id,
      platform,
      platformMessageId: message.platformMessageId,
      senderId: '7',
      senderName: 'User 7',
      text: 'hi there',
      attachments: message.attachments,
    });

    const later = new Date('2030-05-01T10:05:00Z');
    const again = await messages.acceptInbound(identityOf(platform, message.chatId), message, later);
    expect(again.message).toBeNull();
    expect(again.storedBeforeId).toBe(first.message!.id);
    expect(first.storedBeforeId).toBeNull();
    expect(again.previousActivityAt).toEqual(at);
    expect(again.session.id).toBe(first.session.id);
  });

  it('gives the history window oldest first, without the excluded message, replies included', async () => {
    const platform = uniquePlatform();
    const identity = identityOf(platform, 'chat-9');
    const accept = async (text: string) => {
      // Timestamps have millisecond precision: each message gets its own.
      await new Promise((resolve) => setTimeout(resolve, 5));
      return (await messages.acceptInbound(identity, inboundDm(platform, '9', { text }), new Date())).message!;
    };
    const one = await accept('one');
    const turn = await turns.begin(one.id, 'run-1');
    await turns.saveGenerated(turn.id, one.sessionId, { text: 'reply to one', parts: ['reply to one'], model: 'echo:m' }, 'run-1');
    await accept('two');
    const three = await accept('three');

    const all = await messages.history(one.sessionId, { upTo: three.createdAt, excludeId: three.id, limit: 10 });
    expect(all.map((entry) => [entry.role, entry.text])).toEqual([
      ['user', 'one'],
      ['assistant', 'reply to one'],
      ['user', 'two'],
    ]);
    const lastTwo = await messages.history(one.sessionId, { upTo: three.createdAt, limit: 2 });
    expect(lastTwo.map((entry) => entry.text)).toEqual(['two', 'three']);
  });

  it('keeps each conversation of a session to itself: the history is the active one\'s, or the one named', async () => {
    const platform = uniquePlatform();
    const identity = identityOf(platform, 'chat-c');
    const accept = async (text: string) => (await messages.acceptInbound(identity, inboundDm(platform, 'c', { text }), new Date())).message!;
    const first = await accept('about cats');
    const earlier = (await sessions.findById(first.sessionId))!.conversationId!;
    await sessions.reset(first.sessionId, new Date(), { startedBy: 'c' });
    const second = await accept('about dogs');
    const upTo = new Date(second.createdAt.getTime() + 1);

    expect((await messages.history(first.sessionId, { upTo, limit: 10 })).map((entry) => entry.text)).toEqual(['about dogs']);
    expect((await messages.history(first.sessionId, { conversationId: earlier, upTo, limit: 10 })).map((entry) => entry.text)).toEqual(['about cats']);
    expect(await messages.countInConversation(first.sessionId, earlier)).toBe(1);
  });

  it('accepts messages that arrive together in one batch, in order per chat, with redeliveries recognised', async () => {
    const platform = uniquePlatform();
    const at = new Date();
    const inChat = (chatId: string, n: number) => inboundDm(platform, chatId, { text: `${chatId}-${n}`, platformMessageId: `${chatId}-${n}` });
    // Started in the same tick: one statement stores them all.
    const calls = [inChat('a', 1), inChat('b', 1), inChat('a', 2), inChat('a', 2), inChat('b', 2), inChat('a', 3)].map((message) =>
      messages.acceptInbound(identityOf(platform, message.chatId), message, at),
    );
    const results = await Promise.all(calls);

    expect(results.map((result) => result.message?.text ?? 'duplicate')).toEqual(['a-1', 'b-1', 'a-2', 'duplicate', 'b-2', 'a-3']);
    expect(results[3].storedBeforeId).toBe(results[2].message!.id);
    expect(results[0].previousActivityAt).toBeNull();
    expect(results[2].previousActivityAt).toEqual(at);
    const [a1, , a2, , , a3] = results.map((result) => result.message);
    // Each message of a chat is stored strictly after the one before it, even within one batch.
    expect(a1!.createdAt.getTime()).toBeLessThan(a2!.createdAt.getTime());
    expect(a2!.createdAt.getTime()).toBeLessThan(a3!.createdAt.getTime());
    const history = await messages.history(a1!.sessionId, { upTo: a3!.createdAt, excludeId: a3!.id, limit: 10 });
    expect(history.map((entry) => entry.text)).toEqual(['a-1', 'a-2']);
  });

  it('fails only the call that fails when a batch goes wrong', async () => {
    const platform = uniquePlatform();
    const good = inboundDm(platform, 'ok', { text: 'fine' });
    const bad = inboundDm(platform, 'bad', { text: 'not a chat type' });
    const [stored, refused] = await Promise.allSettled([
      messages.acceptInbound(identityOf(platform, 'ok'), good, new Date()),
      messages.acceptInbound({ ...identityOf(platform, 'bad'), chatType: 'nonsense' as 'dm' }, bad, new Date()),
    ]);

    expect(stored.status === 'fulfilled' && stored.value.message?.text).toBe('fine');
    expect(refused.status).toBe('rejected');
  });

  it('stores text PostgreSQL cannot hold as is (NUL, a lone surrogate) with U+FFFD in its place', async () => {
    const platform = uniquePlatform();
    const message = inboundDm(platform, '5', { text: 'a\u0000b\ud800c' });

    const accepted = await messages.acceptInbound(identityOf(platform, message.chatId), message, new Date());

    const [entry] = await messages.history(accepted.session.id, { upTo: new Date(Date.now() + 1000), limit: 1 });
    expect(entry.text).toBe('a\ufffdb\ufffdc');
  });

  describe('pending messages (accepted, turn not finished)', () => {
    const later = () => new Date(Date.now() + 60_000);
    // What earlier tests left pending is not these tests' business.
    beforeEach(() => database.db.prisma.pendingMessage.deleteMany());
    const pendingIds = async (queuedBefore: Date) => (await messages.claimPendingToRequeue(queuedBefore, 500)).map((row) => row.id);

    it('are claimed once per cutoff with their session key, oldest first, and again at a later cutoff', async () => {
      const platform = uniquePlatform();
      const first = await messages.acceptInbound(identityOf(platform, 'a'), inboundDm(platform, 'a'), new Date());
      const second = await messages.acceptInbound(identityOf(platform, 'b'), inboundDm(platform, 'b'), new Date());

      const cutoff = later();
      expect(await messages.claimPendingToRequeue(cutoff, 500)).toEqual([
        { id: first.message!.id, sessionKey: first.session.key, jobId: first.message!.id },
        { id: second.message!.id, sessionKey: second.session.key, jobId: second.message!.id },
      ]);
      // Claimed rows count as queued at the cutoff: a sweep paging with it does not see them again.
      expect(await pendingIds(cutoff)).toEqual([]);
      expect(await pendingIds(new Date(cutoff.getTime() + 1))).toEqual([first.message!.id, second.message!.id]);
    });

    it('come back in the order they were accepted when they were queued at the same time', async () => {
      const platform = uniquePlatform();
      const identity = identityOf(platform, 'same');
      // Accepted together: one batch, one transaction, so one queuedAt for all three.
      const accepted = await Promise.all(
        ['one', 'two', 'three'].map((text, i) => messages.acceptInbound(identity, inboundDm(platform, 'same', { text, platformMessageId: `same-${i}` }), new Date())),
      );

      expect(await pendingIds(later())).toEqual(accepted.map((a) => a.message!.id));
    });

    it('honour the limit, and a redelivery is not pending twice', async () => {
      const platform = uniquePlatform();
      const message = inboundDm(platform, 'r');
      await messages.acceptInbound(identityOf(platform, 'r'), message, new Date());
      await messages.acceptInbound(identityOf(platform, 'r'), message, new Date());
      await messages.acceptInbound(identityOf(platform, 's'), inboundDm(platform, 's'), new Date());

      const cutoff = later();
      expect(await messages.claimPendingToRequeue(cutoff, 1)).toHaveLength(1);
      expect(await messages.claimPendingToRequeue(cutoff, 5)).toHaveLength(1);
    });

    it('stop being pending when their turn is delivered or failed, not before', async () => {
      const platform = uniquePlatform();
      const accept = async (chat: string) => (await messages.acceptInbound(identityOf(platform, chat), inboundDm(platform, chat), new Date())).message!;
      const delivered = await accept('d');
      const failed = await accept('f');
      const shown = await accept('s');
      const running = await accept('r');

      const turnOf = (id: string) => turns.begin(id, 'run-1');
      const deliveredTurn = await turnOf(delivered.id);
      const saved = await turns.saveGenerated(deliveredTurn.id, delivered.sessionId, { text: 'x', parts: ['x'], model: null }, 'run-1');
      expect(await pendingIds(later())).toEqual([delivered.id, failed.id, shown.id, running.id]);
      await turns.markPartDelivered(deliveredTurn.id, saved.parts[0].id, 'platform-1', 'run-1');
      await turns.markFailed((await turnOf(failed.id)).id, 'gave up', 'run-1');
      const shownTurn = await turnOf(shown.id);
      await turns.saveGenerated(shownTurn.id, shown.sessionId, { text: 'shown', parts: [], model: null }, 'run-1', 'delivered');
      await turnOf(running.id);

      expect(await pendingIds(new Date(Date.now() + 120_000))).toEqual([running.id]);
    });

    it('are counted per session until their turn finishes', async () => {
      const platform = uniquePlatform();
      const first = await messages.acceptInbound(identityOf(platform, 'c'), inboundDm(platform, 'c', { platformMessageId: 'c-1' }), new Date());
      await messages.acceptInbound(identityOf(platform, 'c'), inboundDm(platform, 'c', { platformMessageId: 'c-2' }), new Date());
      const other = await messages.acceptInbound(identityOf(platform, 'o'), inboundDm(platform, 'o'), new Date());

      expect(await messages.countPendingIn(first.session.id)).toBe(2);
      await turns.markFailed((await turns.begin(other.message!.id, 'run-1')).id, 'gave up', 'run-1');
      expect(await messages.countPendingIn(other.session.id)).toBe(0);
    });
  });
});
