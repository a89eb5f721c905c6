import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_KINDS, TestDatabase, openTestDatabase } from '../security/testing-databases';
import { HomeChannelRepository } from './home-channel.repository';
import { NewScheduledPrompt, ScheduledPromptRepository } from './scheduled-prompt.repository';

const target = { platform: 'telegram', accountId: 'default', chatType: 'dm' as const, chatId: '42', threadId: null };

function schedule(nextRunAt: Date, name = `daily-${randomUUID()}`): NewScheduledPrompt {
  return { name, cronExpression: '0 9 * * *', timeZone: 'Europe/Berlin', prompt: 'Summarise the news', target, createdBy: 'cli:test', nextRunAt };
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

  it('moves a due tick on once: of two claims of the same tick only the first wins', async () => {
    const due = new Date('2020-05-01T09:00:00Z');
    const next = new Date('2020-05-02T09:00:00Z');
    const created = (await schedules.create(schedule(due)))!;
    expect((await schedules.due(new Date('2020-05-01T09:00:01Z'), 100)).map((s) => s.id)).toContain(created.id);
    expect(await schedules.advance([{ id: created.id, due, next }])).toEqual(new Set([created.id]));
    expect(await schedules.advance([{ id: created.id, due, next }])).toEqual(new Set());
    expect(await schedules.findByName(created.name)).toMatchObject({ nextRunAt: next, lastRunAt: due });
    expect((await schedules.due(new Date('2020-05-01T09:00:01Z'), 100)).map((s) => s.id)).not.toContain(created.id);
  });

  it('claims a batch: each row moves only from the tick that was read', async () => {
    const first = (await schedules.create(schedule(new Date('2021-01-01T00:00:00Z'))))!;
    const second = (await schedules.create(schedule(new Date('2021-01-01T00:00:00Z'))))!;
    const won = await schedules.advance([
      { id: first.id, due: first.nextRunAt, next: new Date('2021-01-02T00:00:00Z') },
      { id: second.id, due: new Date('2020-12-31T00:00:00Z'), next: new Date('2021-01-02T00:00:00Z') },
    ]);
    expect(won).toEqual(new Set([first.id]));
    expect((await schedules.findByName(second.name))?.nextRunAt).toEqual(second.nextRunAt);
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
