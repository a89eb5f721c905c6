import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundDm } from '@switchboard/testing';
import { MessageRepository, type StoredInbound } from '../messages/message.repository';
import { TEST_DATABASE_KINDS, TestDatabase, openTestDatabase, uniquePlatform } from '../security/testing-databases';
import { TurnRepository } from './turn.repository';

describe.each(TEST_DATABASE_KINDS)('TurnRepository on %s', (kind) => {
  let database: TestDatabase;
  let messages: MessageRepository;
  let turns: TurnRepository;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    messages = new MessageRepository(database.db);
    turns = new TurnRepository(database.db);
  });
  afterAll(() => database.close());

  async function storedMessage(): Promise<StoredInbound> {
    const platform = uniquePlatform();
    const message = inboundDm(platform, '1');
    const identity = { key: `agent:main:${platform}:dm:chat-1`, agentId: 'main', platform, accountId: 'default', chatType: 'dm' as const, chatId: 'chat-1' };
    return (await messages.acceptInbound(identity, message, new Date())).message!;
  }

  it('begins a turn once and counts each attempt', async () => {
    const inbound = await storedMessage();
    const first = await turns.begin(inbound.id);
    const second = await turns.begin(inbound.id);
    expect(first).toMatchObject({ inboundMessageId: inbound.id, status: 'running', attempts: 1, parts: [] });
    expect(second).toMatchObject({ id: first.id, attempts: 2 });
  });

  it('starts a turn from the message id alone: the message and session as stored, and the history before it', async () => {
    const platform = uniquePlatform();
    const identity = { key: `agent:main:${platform}:dm:chat-2`, agentId: 'main', platform, accountId: 'default', chatType: 'dm' as const, chatId: 'chat-2' };
    const accept = async (text: string) => messages.acceptInbound(identity, inboundDm(platform, '2', { text }), new Date());
    // Timestamps have millisecond precision: each message gets its own.
    const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
    const first = (await accept('first')).message!;
    const firstTurn = await turns.begin(first.id);
    await tick();
    await turns.saveGenerated(firstTurn.id, first.sessionId, { text: 'reply to first', parts: ['reply to first'], model: null });
    await tick();
    const { message: second, session } = await accept('second');

    const start = await turns.start(second!.id, 10);

    expect(start?.inbound).toEqual(second);
    expect(start?.session).toEqual(session);
    expect(start?.turn).toMatchObject({ inboundMessageId: second!.id, status: 'running', attempts: 1, parts: [] });
    expect(start?.history.map((entry) => [entry.role, entry.text, entry.createdAt instanceof Date])).toEqual([
      ['user', 'first', true],
      ['assistant', 'reply to first', true],
    ]);
    expect((await turns.start(second!.id, 1))?.history.map((entry) => entry.text)).toEqual(['reply to first']);
    await expect(turns.start('00000000-0000-4000-8000-000000000000', 10)).resolves.toBeNull();
  });

  it('resumes a turn with its parts as they were confirmed', async () => {
    const inbound = await storedMessage();
    const turn = await turns.begin(inbound.id);
    const saved = await turns.saveGenerated(turn.id, inbound.sessionId, { text: 'p q', parts: ['p', 'q'], model: null });
    await turns.markPartDelivered(turn.id, saved.parts[0].id, 'platform-p', false);

    const resumed = await turns.start(inbound.id, 10);

    expect(resumed?.turn).toMatchObject({ id: turn.id, status: 'generated', attempts: 2 });
    expect(resumed?.turn.parts.map((part) => [part.text, part.platformMessageId, part.deliveredAt instanceof Date])).toEqual([
      ['p', 'platform-p', true],
      ['q', null, false],
    ]);
  });

  it('saves a reply with its parts in order, keeping the draft of part 0 and dropping parts no longer needed', async () => {
    const inbound = await storedMessage();
    const turn = await turns.begin(inbound.id);
    await turns.recordDraft(turn.id, 'draft-1');
    // An earlier attempt had produced three parts; this one produces two.
    await turns.saveGenerated(turn.id, inbound.sessionId, { text: 'a b c', parts: ['a', 'b', 'c'], model: 'echo:m' });

    const saved = await turns.saveGenerated(turn.id, inbound.sessionId, {
      text: 'first second',
      parts: ['first', 'second'],
      model: 'echo:m',
      inputTokens: 3,
      outputTokens: 2,
    });

    expect(saved).toMatchObject({ id: turn.id, status: 'generated' });
    expect(saved.parts.map((part) => [part.index, part.text, part.platformMessageId, part.deliveredAt])).toEqual([
      [0, 'first', 'draft-1', null],
      [1, 'second', null, null],
    ]);
    const history = await messages.history(inbound.sessionId, { after: null, upTo: new Date(Date.now() + 60_000), limit: 10 });
    expect(history.map((entry) => [entry.role, entry.text])).toEqual([
      ['user', 'hello'],
      ['assistant', 'a b c'],
      ['assistant', 'first second'],
    ]);
  });

  it('completes the turn with the confirmation of its last part, and resumes with what is left', async () => {
    const inbound = await storedMessage();
    const turn = await turns.begin(inbound.id);
    const saved = await turns.saveGenerated(turn.id, inbound.sessionId, { text: 'x y', parts: ['x', 'y'], model: null });

    await turns.markPartDelivered(turn.id, saved.parts[0].id, 'platform-1', false);
    const resumed = await turns.begin(inbound.id);
    expect(resumed.status).toBe('generated');
    expect(resumed.parts.map((part) => [part.platformMessageId, part.deliveredAt !== null])).toEqual([
      ['platform-1', true],
      [null, false],
    ]);

    await turns.markPartDelivered(turn.id, saved.parts[1].id, 'platform-2', true);
    expect((await turns.begin(inbound.id)).status).toBe('delivered');
  });

  it('stores a reply shown by its caller as delivered, without parts', async () => {
    const inbound = await storedMessage();
    const turn = await turns.begin(inbound.id);
    const saved = await turns.saveGenerated(turn.id, inbound.sessionId, { text: 'shown', parts: [], model: 'echo:m' }, 'delivered');
    expect(saved).toMatchObject({ status: 'delivered', parts: [] });
  });

  it('records a failure with its reason', async () => {
    const inbound = await storedMessage();
    const turn = await turns.begin(inbound.id);
    await turns.markFailed(turn.id, 'model unreachable');
    expect((await turns.begin(inbound.id)).status).toBe('failed');
  });
});
