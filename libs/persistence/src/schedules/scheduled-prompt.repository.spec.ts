import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_KINDS, TestDatabase, openTestDatabase } from '../security/testing-databases';
import { HomeChannelRepository } from './home-channel.repository';
import { MessageRepository } from '../messages/message.repository';
import { NewScheduledPrompt, ScheduledPromptRecord, ScheduledPromptRepository, TickFiring } from './scheduled-prompt.repository';

const target = { platform: 'telegram', accountId: 'default', chatType: 'dm' as const, chatId: '42', threadId: null };

function schedule(nextRunAt: Date, name = `daily-${randomUUID()}`): NewScheduledPrompt {
  return { name, cronExpression: '0 9 * * *', timeZone: 'Europe/Berlin', prompt: 'Summarise the news', target, createdBy: 'cli:test', nextRunAt };
}

const sessionKeyOf = (s: ScheduledPromptRecord) => `agent:main:telegram:dm:${s.target.chatId}`;
const promptIdOf = (s: ScheduledPromptRecord) => `cron:${s.id}:${s.nextRunAt.toISOString()}`;

/** `firing`, noting in `taken` the schedules it was asked about. */
const taking = (taken: string[], next: Date, now: Date) => (s: ScheduledPromptRecord) => {
  taken.push(s.id);
  return firing(s, next, now);
};

// What the ticker works out for a due schedule (here with a given next tick).
function firing(s: ScheduledPromptRecord, next: Date, now: Date): TickFiring {
  const { platform, accountId, chatType, chatId } = s.target;
  return {
    next,
    session: { key: sessionKeyOf(s), agentId: 'main', platform, accountId, chatType, chatId },
    message: {
      platform,
      accountId,
      chatType,
      chatId,
      platformMessageId: promptIdOf(s),
      sender: { id: 'cron', displayName: 'schedule' },
      text: s.prompt,
      attachments: [],
      mentionsBot: true,
      repliesToBot: false,
      receivedAt: now,
    },
  };
}

describe.each(TEST_DATABASE_KINDS)('ScheduledPromptRepository on %s', (kind) => {
  let database: TestDatabase;
  let schedules: ScheduledPromptRepository;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    schedules = new ScheduledPromptRepository(database.db);
  });
  afterAll(() => database.close());

  it('stores a schedule and refuses a second one of the same name', async () => {
    const created = await schedules.create(schedule(new Date('2030-01-01T08:00:00Z'), 'news'));
    expect(created).toMatchObject({ name: 'news', target, enabled: true, lastRunAt: null });
    expect(await schedules.create(schedule(new Date('2030-01-01T08:00:00Z'), 'news'))).toBeNull();
    expect(await schedules.findByName('news')).toEqual(created);
    expect(await schedules.remove('news')).toEqual(created);
    expect(await schedules.remove('news')).toBeNull();
  });

  it('fires a due tick once: moves the schedule on and stores its prompt as a pending message of the chat’s session', async () => {
    const due = new Date('2020-05-01T09:00:00Z');
    const next = new Date('2020-05-02T09:00:00Z');
    const created = (await schedules.create(schedule(due)))!;
    const now = new Date('2020-05-01T09:00:01Z');

    const fired = await schedules.fireDue(now, 100, (s) => firing(s, next, now));
    expect(fired.fired).toBe(1);
    expect(fired.prompts).toEqual([{ messageId: expect.any(String), sessionKey: sessionKeyOf(created) }]);
    expect(await schedules.findByName(created.name)).toMatchObject({ nextRunAt: next, lastRunAt: due, followingRunAt: null });
    const message = await database.db.prisma.message.findUniqueOrThrow({ where: { id: fired.prompts[0].messageId }, include: { session: true, pending: true } });
    expect(message).toMatchObject({ platformMessageId: promptIdOf(created), text: 'Summarise the news', role: 'user', direction: 'inbound', senderName: 'schedule' });
    expect(message.session).toMatchObject({ key: sessionKeyOf(created), accountId: 'default', chatType: 'dm', chatId: '42', lastActivityAt: now });
    expect(message.pending).not.toBeNull();
    // The prompt joins the session's active conversation, which a new session starts with.
    expect(message.conversationId).not.toBeNull();
    expect(message.conversationId).toBe(message.session.conversationId);
    expect(await database.db.prisma.conversation.findUnique({ where: { id: message.conversationId! } })).toMatchObject({ sessionId: message.sessionId });

    expect(await schedules.fireDue(now, 100, (s) => firing(s, next, now))).toEqual({ fired: 0, disabled: 0, prompts: [] });
  });

  it('stores the prompts of schedules of one chat due together in its one session, one after the other', async () => {
    const due = new Date('2020-06-01T09:00:00Z');
    const chat = { ...target, chatId: `chat-${randomUUID()}` };
    const first = (await schedules.create({ ...schedule(due), target: chat }))!;
    const second = (await schedules.create({ ...schedule(due), target: chat }))!;
    const now = new Date('2020-06-01T09:00:00.500Z');

    const fired = await schedules.fireDue(now, 100, (s) => firing(s, new Date('2020-06-02T09:00:00Z'), now));
    const ours = fired.prompts.filter((prompt) => prompt.sessionKey === sessionKeyOf(first));
    expect(ours).toHaveLength(2);
    const messages = await database.db.prisma.message.findMany({ where: { id: { in: ours.map((p) => p.messageId) } }, orderBy: { createdAt: 'asc' } });
    expect(new Set(messages.map((m) => m.platformMessageId))).toEqual(new Set([promptIdOf(first), promptIdOf(second)]));
    expect(messages[0].sessionId).toBe(messages[1].sessionId);
    expect(messages[1].createdAt.getTime()).toBeGreaterThan(messages[0].createdAt.getTime());
    // Queued in the order they were stored.
    expect(ours.map((p) => p.messageId)).toEqual(messages.map((m) => m.id));
  });

  it('moves on a tick whose prompt was stored before without storing or returning it again', async () => {
    const due = new Date('2020-07-01T09:00:00Z');
    const created = (await schedules.create({ ...schedule(due), target: { ...target, chatId: `chat-${randomUUID()}` } }))!;
    const now = new Date('2020-07-01T09:00:01Z');
    const before = firing(created, new Date('2020-07-02T09:00:00Z'), now);
    await new MessageRepository(database.db).acceptInbound(before.session, before.message, now);

    const fired = await schedules.fireDue(now, 100, (s) => firing(s, new Date('2020-07-02T09:00:00Z'), now));
    expect(fired.fired).toBeGreaterThanOrEqual(1);
    expect(fired.prompts.map((p) => p.sessionKey)).not.toContain(sessionKeyOf(created));
    expect((await schedules.findByName(created.name))?.nextRunAt).toEqual(new Date('2020-07-02T09:00:00Z'));
    expect(await database.db.prisma.message.count({ where: { platformMessageId: promptIdOf(created) } })).toBe(1);
  });

  it('fires at most `limit` ticks, the earliest first', async () => {
    const now = new Date('2019-01-01T00:00:10Z');
    const later = (await schedules.create(schedule(new Date('2019-01-01T00:00:02Z'))))!;
    const earlier = (await schedules.create(schedule(new Date('2019-01-01T00:00:01Z'))))!;
    const taken: string[] = [];
    const fired = await schedules.fireDue(now, 1, taking(taken, new Date('2019-01-02T00:00:00Z'), now));
    expect(fired.fired).toBe(1);
    expect(taken).toEqual([earlier.id]);
    expect((await schedules.fireDue(now, 1, taking(taken, new Date('2019-01-02T00:00:00Z'), now))).fired).toBe(1);
    expect(taken).toEqual([earlier.id, later.id]);
  });

  it('moves nothing on when working out a firing fails', async () => {
    const due = new Date('2018-01-01T00:00:00Z');
    const created = (await schedules.create(schedule(due)))!;
    await expect(
      schedules.fireDue(new Date('2018-01-01T00:00:01Z'), 100, () => {
        throw new Error('no next tick');
      }),
    ).rejects.toThrow('no next tick');
    expect((await schedules.findByName(created.name))?.nextRunAt).toEqual(due);
  });

  it('disables a due schedule whose firing is not worked out (null) and fires the others', async () => {
    const due = new Date('2016-01-01T00:00:00Z');
    const now = new Date('2016-01-01T00:00:01Z');
    const broken = (await schedules.create(schedule(due)))!;
    const fine = (await schedules.create(schedule(due)))!;
    const fired = await schedules.fireDue(now, 100, (s) => (s.id === broken.id ? null : firing(s, new Date('2016-01-02T00:00:00Z'), now)));
    expect(fired).toMatchObject({ disabled: 1 });
    expect(fired.prompts.map((p) => p.sessionKey)).toContain(sessionKeyOf(fine));
    expect(await schedules.findByName(broken.name)).toMatchObject({ enabled: false, nextRunAt: due, lastRunAt: null });
    expect(await schedules.findByName(fine.name)).toMatchObject({ enabled: true, lastRunAt: due });
  });

  it.skipIf(kind === 'pglite')('skips the due schedules another replica is firing instead of waiting for them', async () => {
    const now = new Date('2017-01-01T00:00:01Z');
    const held = (await schedules.create(schedule(new Date('2017-01-01T00:00:00Z'))))!;
    const free = (await schedules.create(schedule(new Date('2017-01-01T00:00:00Z'))))!;
    const taken: string[] = [];
    await database.db.sql.transaction(async (other) => {
      await other.query({ text: `SELECT 1 FROM "ScheduledPrompt" WHERE "id" = $1::uuid FOR UPDATE` }, [held.id]);
      await schedules.fireDue(now, 100, taking(taken, new Date('2017-01-02T00:00:00Z'), now));
    });
    expect(taken).toContain(free.id);
    expect(taken).not.toContain(held.id);
    expect((await schedules.findByName(held.name))?.nextRunAt).toEqual(held.nextRunAt);
  });

  it('records a following tick only while the schedule is still at the tick it follows', async () => {
    const tick = new Date('2031-01-01T08:00:00Z');
    const created = (await schedules.create(schedule(tick)))!;
    expect((await schedules.withoutFollowing(10_000)).map((s) => s.id)).toContain(created.id);

    await schedules.setFollowing([{ id: created.id, tick: new Date('2030-12-31T08:00:00Z'), following: new Date('2031-01-01T08:00:00Z') }]);
    expect((await schedules.findByName(created.name))?.followingRunAt).toBeNull();
    await schedules.setFollowing([{ id: created.id, tick, following: new Date('2031-01-02T08:00:00Z') }]);
    expect((await schedules.findByName(created.name))?.followingRunAt).toEqual(new Date('2031-01-02T08:00:00Z'));
    expect((await schedules.withoutFollowing(10_000)).map((s) => s.id)).not.toContain(created.id);
  });

  it('tells the earliest tick of the enabled schedules', async () => {
    await schedules.create(schedule(new Date('2000-01-01T00:00:00Z')));
    expect(await schedules.nextDueAt()).toEqual(new Date('2000-01-01T00:00:00Z'));
  });
});

describe.each(TEST_DATABASE_KINDS)('HomeChannelRepository on %s', (kind) => {
  let database: TestDatabase;
  let homes: HomeChannelRepository;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    homes = new HomeChannelRepository(database.db);
  });
  afterAll(() => database.close());

  it('keeps one home channel per user, the last one set', async () => {
    expect(await homes.find('telegram', '7')).toBeNull();
    await homes.set('telegram', '7', { accountId: 'default', chatType: 'dm', chatId: '7', threadId: null });
    await homes.set('telegram', '7', { accountId: 'default', chatType: 'thread', chatId: '-100', threadId: '5' });
    expect(await homes.find('telegram', '7')).toEqual({ platform: 'telegram', accountId: 'default', chatType: 'thread', chatId: '-100', threadId: '5' });
  });
});
