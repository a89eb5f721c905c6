import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundDm } from '@switchboard/testing';
import { TEST_DATABASE_KINDS, TestDatabase, openTestDatabase, uniquePlatform } from '../security/testing-databases';
import type { SessionIdentity } from '../sessions/session.repository';
import { TurnRepository } from '../turns/turn.repository';
import { MessageRepository } from './message.repository';

describe.each(TEST_DATABASE_KINDS)('MessageRepository on %s', (kind) => {
  let database: TestDatabase;
  let messages: MessageRepository;
  let turns: TurnRepository;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    messages = new MessageRepository(database.db);
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
    const turn = await turns.begin(one.id);
    await turns.saveGenerated(turn.id, one.sessionId, { text: 'reply to one', parts: ['reply to one'], model: 'echo:m' });
    const two = await accept('two');
    const three = await accept('three');

    const all = await messages.history(one.sessionId, { after: null, upTo: three.createdAt, excludeId: three.id, limit: 10 });
    expect(all.map((entry) => [entry.role, entry.text])).toEqual([
      ['user', 'one'],
      ['assistant', 'reply to one'],
      ['user', 'two'],
    ]);
    const lastTwo = await messages.history(one.sessionId, { after: null, upTo: three.createdAt, limit: 2 });
    expect(lastTwo.map((entry) => entry.text)).toEqual(['two', 'three']);
    const sinceOne = await messages.history(one.sessionId, { after: one.createdAt, upTo: two.createdAt, limit: 10 });
    expect(sinceOne.map((entry) => entry.text)).toEqual(['reply to one', 'two']);
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
    const history = await messages.history(a1!.sessionId, { after: null, upTo: a3!.createdAt, excludeId: a3!.id, limit: 10 });
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

    const [entry] = await messages.history(accepted.session.id, { after: null, upTo: new Date(Date.now() + 1000), limit: 1 });
    expect(entry.text).toBe('a\ufffdb\ufffdc');
  });
});
