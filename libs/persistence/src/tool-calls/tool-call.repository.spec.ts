import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundDm } from '@switchboard/testing';
import { MessageRepository } from '../messages/message.repository';
import { SessionRepository } from '../sessions/session.repository';
import { TEST_DATABASE_KINDS, TestDatabase, openTestDatabase, uniquePlatform } from '../security/testing-databases';
import { TurnRepository, TurnWriteRefused } from '../turns/turn.repository';
import { ToolCallRepository } from './tool-call.repository';

// Session lock tokens of two runs (see SessionLease).
const RUN = 'run-1';
const OTHER_RUN = 'run-2';

describe.each(TEST_DATABASE_KINDS)('ToolCallRepository on %s', (kind) => {
  let database: TestDatabase;
  let messages: MessageRepository;
  let turns: TurnRepository;
  let calls: ToolCallRepository;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    messages = new MessageRepository(database.db);
    turns = new TurnRepository(database.db);
    calls = new ToolCallRepository(database.db);
  });
  afterAll(() => database.close());

  /** A running turn of RUN whose model step 0 asked for `clock` and `vault` (that one waiting for approval). */
  async function turnWithCalls(expiresAt = new Date(Date.now() + 60_000)) {
    const platform = uniquePlatform();
    const identity = { key: `agent:main:${platform}:dm:chat-1`, agentId: 'main', platform, accountId: 'default', chatType: 'dm' as const, chatId: 'chat-1' };
    const inbound = (await messages.acceptInbound(identity, inboundDm(platform, '1'), new Date())).message!;
    const turn = await turns.begin(inbound.id, RUN);
    const step = {
      turnId: turn.id,
      sessionId: inbound.sessionId,
      senderId: '1',
      step: 0,
      stepText: 'Checking.',
      calls: [
        { index: 0, callId: 'c0', tool: 'clock', arguments: '{}', status: 'pending' as const },
        { index: 1, callId: 'c1', tool: 'vault', arguments: '{"n":1}', status: 'pending_approval' as const, expiresAt },
      ],
    };
    await calls.recordStep(step, RUN);
    const [clock, vault] = await calls.ofTurn(turn.id);
    return { inbound, turn, step, clock, vault, sessionKey: identity.key, identity };
  }

  /** A later message of the same session, its turn begun by OTHER_RUN (which holds the session from then on). */
  async function laterTurn(identity: Awaited<ReturnType<typeof turnWithCalls>>['identity']) {
    const later = (await messages.acceptInbound(identity, inboundDm(identity.platform, '1', { text: 'never mind' }), new Date())).message!;
    return turns.begin(later.id, OTHER_RUN);
  }

  const closing = { sameConversation: true, approvedToo: false, result: 'moot', error: 'folded' };

  const refusal = (write: Promise<unknown>) => write.then(() => 'done', (error: unknown) => (error instanceof TurnWriteRefused ? error.reason : String(error)));

  it('records a step once, and refuses writes of a run that lost the session', async () => {
    const { turn, step, clock } = await turnWithCalls();
    await calls.recordStep({ ...step, stepText: 'again' }, RUN);
    expect((await calls.ofTurn(turn.id)).map((call) => [call.tool, call.status, call.stepText])).toEqual([
      ['clock', 'pending', 'Checking.'],
      ['vault', 'pending_approval', 'Checking.'],
    ]);
    expect(await refusal(calls.update(turn.id, clock.id, ['pending'], { status: 'running' }, OTHER_RUN))).toBe('superseded');
    expect(await refusal(calls.update(turn.id, clock.id, ['running'], { status: 'completed', result: 'x' }, RUN))).toBe('call pending');
    await calls.update(turn.id, clock.id, ['pending'], { status: 'running' }, RUN);
    await calls.update(turn.id, clock.id, ['running'], { status: 'completed', result: '12:00', durationMs: 3 }, RUN);
    expect((await calls.ofTurn(turn.id))[0]).toMatchObject({ status: 'completed', result: '12:00', durationMs: 3, isError: false });
  });

  it('parks the turn: its message stops being pending and its draft is let go; a decision makes it pending again under a job id of its own', async () => {
    const { inbound, turn, vault, sessionKey } = await turnWithCalls();
    await turns.partSending(turn.id, 0, RUN);
    await turns.recordDraft(turn.id, 'draft-1', RUN);
    expect(await calls.park(turn.id, RUN)).toBe(true);
    expect(await database.db.prisma.pendingMessage.findUnique({ where: { messageId: inbound.id } })).toBeNull();
    expect(await database.db.prisma.deliveryPart.count({ where: { turnId: turn.id } })).toBe(0);
    expect(await calls.waitingInSession(inbound.sessionId)).toMatchObject([{ id: vault.id }]);

    expect(await calls.decide(vault.id, 'approved', 'telegram:root')).toEqual({ status: 'approved', tool: 'vault', messageId: inbound.id, sessionKey, jobId: `${inbound.id}:${vault.id}` });
    expect(await calls.decide(vault.id, 'denied', 'telegram:root')).toBeNull(); // decided once
    expect(await database.db.prisma.pendingMessage.findUnique({ where: { messageId: inbound.id } })).toMatchObject({ jobId: `${inbound.id}:${vault.id}` });
    expect(await calls.park(turn.id, RUN)).toBe(false); // nothing waits any more: the run goes on
  });

  it('closes the turns a later message makes moot, for the run holding the session only: their waiting calls are denied, and a decision after finds none', async () => {
    const { inbound, turn, vault, clock, identity } = await turnWithCalls(new Date(Date.now() - 1_000));
    await calls.park(turn.id, RUN);
    const later = await laterTurn(identity);

    expect(await refusal(calls.closeParked(later.id, RUN, closing))).toBe('superseded');
    expect(await calls.closeParked(later.id, OTHER_RUN, closing)).toEqual([turn.id]);
    expect(await calls.closeParked(later.id, OTHER_RUN, closing)).toEqual([]);

    expect(await database.db.prisma.turn.findUnique({ where: { id: turn.id } })).toMatchObject({ status: 'failed', error: 'folded' });
    const [clockAfter, vaultAfter] = await calls.ofTurn(turn.id);
    expect(vaultAfter).toMatchObject({ id: vault.id, status: 'denied', result: 'moot' });
    expect(clockAfter).toMatchObject({ id: clock.id, status: 'pending' });
    expect(await calls.expired(1_000)).not.toContain(vault.id);
    expect(await calls.decide(vault.id, 'approved', 'telegram:root')).toBeNull();
    expect(await database.db.prisma.pendingMessage.findUnique({ where: { messageId: inbound.id } })).toBeNull();
  });

  it('closes a turn whose call expired but that has not resumed yet, and takes its message out of the pending ones', async () => {
    const { inbound, turn, vault, identity } = await turnWithCalls(new Date(Date.now() - 1_000));
    await calls.park(turn.id, RUN);
    expect(await calls.decide(vault.id, 'expired', 'expiry')).toMatchObject({ status: 'expired' });
    const later = await laterTurn(identity);

    expect(await calls.closeParked(later.id, OTHER_RUN, closing)).toEqual([turn.id]);
    expect((await calls.ofTurn(turn.id))[1]).toMatchObject({ status: 'expired' });
    expect(await database.db.prisma.pendingMessage.findUnique({ where: { messageId: inbound.id } })).toBeNull();
  });

  it('leaves a turn whose call was approved to resume, unless asked to close those too (/stop)', async () => {
    const { turn, vault, identity } = await turnWithCalls();
    await calls.park(turn.id, RUN);
    await calls.decide(vault.id, 'approved', 'telegram:root');
    const later = await laterTurn(identity);

    expect(await calls.closeParked(later.id, OTHER_RUN, closing)).toEqual([]);
    expect(await calls.closeParked(later.id, OTHER_RUN, { ...closing, sameConversation: false, approvedToo: true, decidedBy: 'telegram:ada' })).toEqual([turn.id]);
    expect((await calls.ofTurn(turn.id))[1]).toMatchObject({ status: 'denied', decidedBy: 'telegram:ada' });
  });

  it('closes no turn of another conversation of the session unless asked to', async () => {
    const { turn, identity, inbound } = await turnWithCalls();
    await calls.park(turn.id, RUN);
    await new SessionRepository(database.db).reset(inbound.sessionId, new Date());
    const later = await laterTurn(identity);

    expect(await calls.closeParked(later.id, OTHER_RUN, closing)).toEqual([]);
    expect(await calls.closeParked(later.id, OTHER_RUN, { ...closing, sameConversation: false })).toEqual([turn.id]);
  });

  it('expires a call answered after its expiry, and lists the expired ones for the sweep', async () => {
    const { vault } = await turnWithCalls(new Date(Date.now() - 1_000));
    expect(await calls.expired(1_000)).toContain(vault.id);
    expect(await calls.decide(vault.id, 'approved', 'telegram:root')).toMatchObject({ status: 'expired' });
    expect(await calls.expired(1_000)).not.toContain(vault.id);
  });
});
