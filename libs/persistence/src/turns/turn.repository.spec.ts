import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundDm } from '@switchboard/testing';
import { MessageRepository, type StoredInbound } from '../messages/message.repository';
import { TEST_DATABASE_KINDS, TestDatabase, openTestDatabase, uniquePlatform } from '../security/testing-databases';
import { TurnRepository, TurnWriteRefused } from './turn.repository';

// Session lock tokens of two runs (see SessionLease).
const RUN = 'run-1';
const OTHER_RUN = 'run-2';

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

  const reply = (...parts: string[]) => ({ text: parts.join(' '), parts, model: null });

  /** A turn of RUN with its reply stored: generated, parts not delivered. */
  async function generatedTurn(...parts: string[]) {
    const inbound = await storedMessage();
    const turn = await turns.begin(inbound.id, RUN);
    const saved = await turns.saveGenerated(turn.id, inbound.sessionId, reply(...parts), RUN);
    return { inbound, turn: saved };
  }

  async function refusal(write: Promise<unknown>): Promise<string> {
    const error = await write.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(TurnWriteRefused);
    return (error as TurnWriteRefused).reason;
  }

  const statusOf = async (inbound: StoredInbound) => (await turns.start(inbound.id, 0))!.turn.status;

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
    const firstTurn = await turns.begin(first.id, RUN);
    await tick();
    await turns.saveGenerated(firstTurn.id, first.sessionId, reply('reply to first'), RUN);
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

  it('places an answer written after later messages right after its own, leaves out undone and stopped answers, and lists the later messages', async () => {
    const platform = uniquePlatform();
    const identity = { key: `agent:main:${platform}:dm:chat-3`, agentId: 'main', platform, accountId: 'default', chatType: 'dm' as const, chatId: 'chat-3' };
    const accept = async (text: string) => (await messages.acceptInbound(identity, inboundDm(platform, '3', { text }), new Date())).message!;
    const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
    const answer = async (message: StoredInbound, text: string, extra: { stopped?: boolean } = {}) => {
      const turn = await turns.begin(message.id, RUN);
      await turns.saveGenerated(turn.id, message.sessionId, { ...reply(text), ...extra }, RUN);
    };
    const a = await accept('a');
    await tick();
    const b = await accept('b'); // came while a was being answered
    await tick();
    await answer(a, 'answer to a');
    await tick();
    await answer(b, 'stopped answer to b', { stopped: true });
    await tick();
    const c = await accept('c');
    await tick();
    await accept('d');

    const start = await turns.start(c.id, 10, OTHER_RUN);

    expect(start?.history.map((entry) => entry.text)).toEqual(['a', 'answer to a', 'b']);
    expect(start?.history[1].replyTo).toBe(a.id);
    expect(start?.later).toEqual(['d']);

    const undone = start!.history.filter((entry) => entry.text !== 'b').map((entry) => entry.id);
    expect(await messages.markUndone(c.sessionId, undone)).toBe(2);
    expect((await turns.start(c.id, 10, OTHER_RUN))?.history.map((entry) => entry.text)).toEqual(['b']);
  });

  it('resumes a turn with its parts as they were confirmed', async () => {
    const { inbound, turn } = await generatedTurn('p', 'q');
    await turns.markPartDelivered(turn.id, turn.parts[0].id, 'platform-p', RUN);

    const resumed = await turns.start(inbound.id, 10, RUN);

    expect(resumed?.turn).toMatchObject({ id: turn.id, status: 'generated', attempts: 2 });
    expect(resumed?.turn.parts.map((part) => [part.text, part.platformMessageId, part.deliveredAt instanceof Date])).toEqual([
      ['p', 'platform-p', true],
      ['q', null, false],
    ]);
  });

  it('saves a reply with its parts in order, keeping the draft of part 0', async () => {
    const inbound = await storedMessage();
    const turn = await turns.begin(inbound.id, RUN);
    await turns.partSending(turn.id, 0, RUN);
    await turns.recordDraft(turn.id, 'draft-1', RUN);

    const saved = await turns.saveGenerated(turn.id, inbound.sessionId, { ...reply('first', 'second'), model: 'echo:m', inputTokens: 3, outputTokens: 2 }, RUN);

    expect(saved).toMatchObject({ id: turn.id, status: 'generated' });
    expect(saved.parts.map((part) => [part.index, part.text, part.platformMessageId, part.deliveredAt, part.sendStarted])).toEqual([
      [0, 'first', 'draft-1', null, true],
      [1, 'second', null, null, false],
    ]);
    const history = await messages.history(inbound.sessionId, { upTo: new Date(Date.now() + 60_000), limit: 10 });
    expect(history.map((entry) => [entry.role, entry.text])).toEqual([
      ['user', 'hello'],
      ['assistant', 'first second'],
    ]);
  });

  it('completes the turn with the confirmation of its last part, and resumes with what is left', async () => {
    const { inbound, turn } = await generatedTurn('x', 'y');

    expect(await turns.markPartDelivered(turn.id, turn.parts[0].id, 'platform-1', RUN)).toEqual({ turnDelivered: false });
    const resumed = await turns.begin(inbound.id, RUN);
    expect(resumed.status).toBe('generated');
    expect(resumed.parts.map((part) => [part.platformMessageId, part.deliveredAt !== null])).toEqual([
      ['platform-1', true],
      [null, false],
    ]);

    expect(await turns.markPartDelivered(turn.id, turn.parts[1].id, 'platform-2', RUN)).toEqual({ turnDelivered: true });
    expect((await turns.begin(inbound.id)).status).toBe('delivered');
  });

  it('stores a reply shown by its caller as delivered, without parts', async () => {
    const inbound = await storedMessage();
    const turn = await turns.begin(inbound.id, RUN);
    const saved = await turns.saveGenerated(turn.id, inbound.sessionId, { text: 'shown', parts: [], model: 'echo:m' }, RUN, 'delivered');
    expect(saved).toMatchObject({ status: 'delivered', parts: [] });
  });

  it('records a failure with its reason', async () => {
    const inbound = await storedMessage();
    const turn = await turns.begin(inbound.id, RUN);
    expect(await turns.markFailed(turn.id, 'model unreachable', RUN)).toBe(true);
    expect(await statusOf(inbound)).toBe('failed');
  });

  describe('refuses every move its state does not allow, and changes nothing', () => {
    it('saves a reply only for a running turn', async () => {
      const { inbound, turn } = await generatedTurn('a', 'b');
      expect(await refusal(turns.saveGenerated(turn.id, inbound.sessionId, reply('again'), RUN))).toBe('status generated');
      expect((await turns.begin(inbound.id, RUN)).parts.map((part) => part.text)).toEqual(['a', 'b']);

      await turns.markPartDelivered(turn.id, turn.parts[0].id, 'p-a', RUN);
      await turns.markPartDelivered(turn.id, turn.parts[1].id, 'p-b', RUN);
      expect(await refusal(turns.saveGenerated(turn.id, inbound.sessionId, reply('again'), RUN, 'delivered'))).toBe('status delivered');
      const history = await messages.history(inbound.sessionId, { upTo: new Date(Date.now() + 60_000), limit: 10 });
      expect(history.map((entry) => entry.text)).toEqual(['hello', 'a b']);
    });

    it('confirms a part only of a generated turn, and only once', async () => {
      const inbound = await storedMessage();
      const running = await turns.begin(inbound.id, RUN);
      await turns.partSending(running.id, 0, RUN);
      const [draft] = (await turns.begin(inbound.id, RUN)).parts;
      expect(await refusal(turns.markPartDelivered(running.id, draft.id, 'p-0', RUN))).toBe('status running');

      const { turn } = await generatedTurn('a', 'b');
      await turns.markPartDelivered(turn.id, turn.parts[0].id, 'p-a', RUN);
      expect(await refusal(turns.markPartDelivered(turn.id, turn.parts[0].id, 'p-a2', RUN))).toBe('part delivered');
      // A part of another turn is no part of this one.
      expect(await refusal(turns.markPartDelivered(turn.id, draft.id, 'p-x', RUN))).toBe('part delivered');
    });

    it('delivers a turn only once every part is confirmed', async () => {
      const { inbound, turn } = await generatedTurn('a', 'b');
      await turns.markPartDelivered(turn.id, turn.parts[0].id, 'p-a', RUN);
      expect(await refusal(turns.markDelivered(turn.id, RUN))).toBe('parts undelivered');
      expect(await statusOf(inbound)).toBe('generated');

      const running = await storedMessage();
      const runningTurn = await turns.begin(running.id, RUN);
      expect(await refusal(turns.markDelivered(runningTurn.id, RUN))).toBe('status running');
    });

    it('never fails a delivered turn, nor a failed one again', async () => {
      const { inbound, turn } = await generatedTurn('a');
      await turns.markPartDelivered(turn.id, turn.parts[0].id, 'p-a', RUN);
      expect(await turns.markFailed(turn.id, 'too late', RUN)).toBe(false);
      expect(await turns.failMessage(inbound.id, 'too late')).toBe(false);
      expect(await statusOf(inbound)).toBe('delivered');

      const failed = await storedMessage();
      expect(await turns.failMessage(failed.id, 'first reason')).toBe(true);
      expect(await turns.failMessage(failed.id, 'second reason')).toBe(false);
      const row = await database.db.prisma.turn.findUnique({ where: { inboundMessageId: failed.id } });
      expect(row?.error).toBe('first reason');
    });

    it('records a draft and starts a send only while the turn needs them', async () => {
      const { turn } = await generatedTurn('a');
      expect(await refusal(turns.recordDraft(turn.id, 'late-draft', RUN))).toBe('status generated');
      await turns.markPartDelivered(turn.id, turn.parts[0].id, 'p-a', RUN);
      expect(await refusal(turns.partSending(turn.id, 0, RUN))).toBe('status delivered');

      // A part the platform has is edited, never sent again.
      const other = await generatedTurn('b');
      await turns.partSending(other.turn.id, 0, RUN);
      const inbound = await storedMessage();
      const running = await turns.begin(inbound.id, RUN);
      await turns.partSending(running.id, 0, RUN);
      await turns.recordDraft(running.id, 'draft', RUN);
      expect(await refusal(turns.partSending(running.id, 0, RUN))).toBe('part sent');
    });
  });

  describe('tells a send that may repeat an earlier one', () => {
    it('marks the second start of a send whose platform id was never recorded as a repeat, and keeps it marked', async () => {
      const { inbound, turn } = await generatedTurn('a', 'b');
      expect(await turns.partSending(turn.id, 1, RUN)).toEqual({ repeated: false });
      // The process died here: the platform may have the part, its id was never recorded.
      const resumed = await turns.begin(inbound.id, RUN);
      expect(resumed.parts[1]).toMatchObject({ sendStarted: true, repeated: false, platformMessageId: null });
      expect(await turns.partSending(turn.id, 1, RUN)).toEqual({ repeated: true });
      expect((await turns.begin(inbound.id, RUN)).parts.map((part) => part.repeated)).toEqual([false, true]);
    });

    it('does not count a send the platform clearly refused', async () => {
      const { turn } = await generatedTurn('a');
      await turns.partSending(turn.id, 0, RUN);
      await turns.partNotSent(turn.id, 0, RUN);
      expect(await turns.partSending(turn.id, 0, RUN)).toEqual({ repeated: false });
    });

    it('keeps the mark of a repeated draft when the reply is saved', async () => {
      const inbound = await storedMessage();
      const turn = await turns.begin(inbound.id, RUN);
      await turns.partSending(turn.id, 0, RUN);
      expect(await turns.partSending(turn.id, 0, RUN)).toEqual({ repeated: true });
      await turns.recordDraft(turn.id, 'draft-2', RUN);
      const saved = await turns.saveGenerated(turn.id, inbound.sessionId, reply('a', 'b'), RUN);
      expect(saved.parts.map((part) => [part.platformMessageId, part.repeated])).toEqual([
        ['draft-2', true],
        [null, false],
      ]);
    });
  });

  describe('fencing: a run that no longer holds the session cannot write', () => {
    it('refuses every write of a run once another run started a turn of the session', async () => {
      const { inbound, turn } = await generatedTurn('a', 'b');
      const running = await storedMessage();
      const runningTurn = await turns.begin(running.id, RUN);
      // Another run takes both sessions over (RUN lost its lock while it stalled).
      await turns.begin(inbound.id, OTHER_RUN);
      await turns.begin(running.id, OTHER_RUN);

      expect(await refusal(turns.markPartDelivered(turn.id, turn.parts[0].id, 'stale', RUN))).toBe('superseded');
      expect(await refusal(turns.partSending(turn.id, 1, RUN))).toBe('superseded');
      expect(await refusal(turns.markFailed(turn.id, 'stale', RUN))).toBe('superseded');
      expect(await refusal(turns.saveGenerated(runningTurn.id, running.sessionId, reply('stale'), RUN))).toBe('superseded');
      expect(await refusal(turns.recordDraft(runningTurn.id, 'stale', RUN))).toBe('superseded');

      const resumed = await turns.begin(inbound.id, OTHER_RUN);
      expect(resumed.parts.map((part) => [part.platformMessageId, part.sendStarted])).toEqual([
        [null, false],
        [null, false],
      ]);
      expect((await turns.begin(running.id, OTHER_RUN)).parts).toEqual([]);
      await turns.markPartDelivered(turn.id, turn.parts[0].id, 'current', OTHER_RUN);
    });

    it('fences per session: a later message of the session started by another run also takes it over', async () => {
      const platform = uniquePlatform();
      const identity = { key: `agent:main:${platform}:dm:chat-3`, agentId: 'main', platform, accountId: 'default', chatType: 'dm' as const, chatId: 'chat-3' };
      const first = (await messages.acceptInbound(identity, inboundDm(platform, '3', { text: 'one' }), new Date())).message!;
      const second = (await messages.acceptInbound(identity, inboundDm(platform, '3', { text: 'two' }), new Date())).message!;
      const firstTurn = await turns.begin(first.id, RUN);
      await turns.begin(second.id, OTHER_RUN);
      expect(await refusal(turns.saveGenerated(firstTurn.id, first.sessionId, reply('stale'), RUN))).toBe('superseded');
    });
  });
});
