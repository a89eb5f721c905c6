import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SwitchboardConfig } from '@switchboard/config';
import { HomeChannelRepository, MessageRepository, ScheduledPromptRepository, SessionRepository } from '@switchboard/persistence';
import { TestDatabase, openTestDatabase } from '@switchboard/persistence/security/testing-databases';
import type { QueueDriver } from '@switchboard/queue';
import { GatewayPrompts } from '../background/gateway-prompts';
import { ScheduledPromptTicker } from './scheduled-prompt.ticker';
import { ScheduledPrompts } from './scheduled-prompts.service';

const config = { agent: { id: 'main' }, cron: { enabled: false, pollMs: 1_000 } } as SwitchboardConfig;
const chat = { platform: 'telegram', accountId: 'default', chatType: 'dm' as const, chatId: '42', threadId: null };

describe('ScheduledPromptTicker', () => {
  let database: TestDatabase;
  let schedules: ScheduledPromptRepository;
  let prompts: GatewayPrompts;
  let scheduled: ScheduledPrompts;
  let queued: { messageId: string; sessionKey: string }[];

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    schedules = new ScheduledPromptRepository(database.db);
    const queue = { add: async (_name: string, payload: { messageId: string; sessionKey: string }) => void queued.push(payload) } as unknown as QueueDriver;
    prompts = new GatewayPrompts(new MessageRepository(database.db), new SessionRepository(database.db), queue);
    scheduled = new ScheduledPrompts(schedules, new HomeChannelRepository(database.db), prompts, config);
  });
  afterAll(() => database.close());
  beforeEach(() => {
    queued = [];
  });

  const ticker = () => new ScheduledPromptTicker(schedules, scheduled, prompts, config);
  const queuedPromptIds = async () =>
    (await database.db.prisma.message.findMany({ where: { id: { in: queued.map((q) => q.messageId) } } })).map((m) => m.platformMessageId);

  it('after downtime fires a schedule once, for its first missed tick, then waits for the next tick to come', async () => {
    const created = await scheduled.add(
      { name: 'morning', cronExpression: '0 9 * * *', timeZone: 'Europe/Berlin', prompt: 'Good morning', destination: { chat }, createdBy: 'test' },
      new Date('2026-01-01T12:00:00Z'),
    );
    expect(created.nextRunAt.toISOString()).toBe('2026-01-02T08:00:00.000Z');

    // Down for three days: three ticks passed.
    expect(await ticker().tick(new Date('2026-01-04T12:00:00Z'))).toBe(1);
    expect(await queuedPromptIds()).toEqual([`switchboard:cron:${created.id}:2026-01-02T08:00:00.000Z`]);
    expect(queued[0].sessionKey).toBe('agent:main:telegram:dm:42');
    expect(await schedules.findByName('morning')).toMatchObject({ lastRunAt: new Date('2026-01-02T08:00:00Z'), nextRunAt: new Date('2026-01-05T08:00:00Z') });
    expect(await ticker().tick(new Date('2026-01-04T12:00:01Z'))).toBe(0);
    expect(queued).toHaveLength(1);
    await scheduled.remove('morning');
  });

  it('works out the following tick ahead and fires on to it; one that passed during downtime is not used', async () => {
    const created = await scheduled.add(
      { name: 'hourly', cronExpression: '0 * * * *', timeZone: 'UTC', prompt: 'Status', destination: { chat }, createdBy: 'test' },
      new Date('2026-03-01T10:30:00Z'),
    );
    expect(await ticker().workOutFollowingTicks()).toBe(false);
    expect((await schedules.findByName('hourly'))?.followingRunAt).toEqual(new Date('2026-03-01T12:00:00Z'));

    expect(await ticker().tick(new Date('2026-03-01T11:00:00.100Z'))).toBe(1);
    expect(await schedules.findByName('hourly')).toMatchObject({ nextRunAt: new Date('2026-03-01T12:00:00Z'), followingRunAt: null });
    expect(await ticker().workOutFollowingTicks()).toBe(false);
    expect((await schedules.findByName('hourly'))?.followingRunAt).toEqual(new Date('2026-03-01T13:00:00Z'));

    // Down from before 12:00 until 15:20: the 13:00 worked out ahead passed as well.
    expect(await ticker().tick(new Date('2026-03-01T15:20:00Z'))).toBe(1);
    expect(await schedules.findByName('hourly')).toMatchObject({ lastRunAt: new Date('2026-03-01T12:00:00Z'), nextRunAt: new Date('2026-03-01T16:00:00Z') });
    expect(await queuedPromptIds()).toEqual([`switchboard:cron:${created.id}:2026-03-01T11:00:00.000Z`, `switchboard:cron:${created.id}:2026-03-01T12:00:00.000Z`]);
    await scheduled.remove('hourly');
  });

  it('two replicas ticking at once fire the tick once', async () => {
    const created = await scheduled.add(
      { name: 'every-second', cronExpression: '* * * * * *', timeZone: 'UTC', prompt: 'Tick', destination: { chat }, createdBy: 'test' },
      new Date('2026-02-01T00:00:00Z'),
    );
    const now = new Date('2026-02-01T00:00:01.500Z');
    const moved = await Promise.all([ticker().tick(now), ticker().tick(now)]);
    expect(moved.reduce((a, b) => a + b)).toBe(1);
    expect(await queuedPromptIds()).toEqual([`switchboard:cron:${created.id}:2026-02-01T00:00:01.000Z`]);
    expect((await schedules.findByName('every-second'))?.nextRunAt).toEqual(new Date('2026-02-01T00:00:02.000Z'));
    await scheduled.remove('every-second');
  });

  it('answers a schedule of another account than the default one in that account’s chat session', async () => {
    await scheduled.add(
      { name: 'work', cronExpression: '0 9 * * *', timeZone: 'UTC', prompt: 'Plan the day', destination: { chat: { ...chat, accountId: 'work' } }, createdBy: 'test' },
      new Date('2026-04-01T00:00:00Z'),
    );
    expect(await ticker().tick(new Date('2026-04-01T09:00:00Z'))).toBe(1);
    expect(queued.map((q) => q.sessionKey)).toEqual(['agent:main:telegram@work:dm:42']);
    await scheduled.remove('work');
  });

  it('disables a stored schedule whose ticks can no longer be worked out, and fires the others', async () => {
    const good = await scheduled.add(
      { name: 'fine', cronExpression: '0 9 * * *', timeZone: 'UTC', prompt: 'Fine', destination: { chat }, createdBy: 'test' },
      new Date('2026-05-01T00:00:00Z'),
    );
    // As if the zone had left the system's zone data after the schedule was stored.
    const stored = { cronExpression: '0 9 * * *', timeZone: 'Europe/Atlantis', prompt: 'Gone', target: chat, createdBy: 'test' };
    const broken = (await schedules.create({ ...stored, name: 'zone-gone', nextRunAt: good.nextRunAt }))!;
    const notWorkedOut = (await schedules.create({ ...stored, name: 'zone-gone-later', nextRunAt: new Date('2026-06-01T09:00:00Z') }))!;

    expect(await ticker().workOutFollowingTicks()).toBe(false);
    expect(await schedules.findByName(notWorkedOut.name)).toMatchObject({ enabled: false, followingRunAt: null });
    await database.db.prisma.scheduledPrompt.update({ where: { id: broken.id }, data: { enabled: true, followingRunAt: null } });

    expect(await ticker().tick(new Date('2026-05-01T09:00:00Z'))).toBe(1);
    expect(await queuedPromptIds()).toEqual([`switchboard:cron:${good.id}:2026-05-01T09:00:00.000Z`]);
    expect(await schedules.findByName(broken.name)).toMatchObject({ enabled: false, nextRunAt: broken.nextRunAt, lastRunAt: null });
    for (const name of ['fine', 'zone-gone', 'zone-gone-later']) await scheduled.remove(name);
  });

  it('refuses a bad expression or zone, naming it, and stores nothing', async () => {
    const request = { name: 'bad', cronExpression: '0 25 * * *', timeZone: 'UTC', prompt: 'x', destination: { chat }, createdBy: 'test' };
    await expect(scheduled.add(request)).rejects.toThrow('cron expression "0 25 * * *" is invalid');
    await expect(scheduled.add({ ...request, cronExpression: '0 9 * * *', timeZone: 'Europe/Atlantis' })).rejects.toThrow('unknown time zone "Europe/Atlantis"');
    expect(await schedules.findByName('bad')).toBeNull();
  });
});
