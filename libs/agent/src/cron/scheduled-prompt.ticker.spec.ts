import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SwitchboardConfig } from '@switchboard/config';
import { HomeChannelRepository, ScheduledPromptRepository } from '@switchboard/persistence';
import { TestDatabase, openTestDatabase } from '@switchboard/persistence/security/testing-databases';
import type { GatewayPrompt, GatewayPrompts } from '../background/gateway-prompts';
import { ScheduledPromptTicker } from './scheduled-prompt.ticker';
import { ScheduledPrompts } from './scheduled-prompts.service';

const config = { agent: { id: 'main' }, cron: { enabled: false, pollMs: 1_000 } } as SwitchboardConfig;
const chat = { platform: 'telegram', accountId: 'default', chatType: 'dm' as const, chatId: '42', threadId: null };

describe('ScheduledPromptTicker', () => {
  let database: TestDatabase;
  let schedules: ScheduledPromptRepository;
  let submitted: GatewayPrompt[];
  let scheduled: ScheduledPrompts;

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    schedules = new ScheduledPromptRepository(database.db);
    const prompts = { submit: async (_identity: unknown, prompt: GatewayPrompt) => void submitted.push(prompt) } as unknown as GatewayPrompts;
    scheduled = new ScheduledPrompts(schedules, new HomeChannelRepository(database.db), prompts, config);
  });
  afterAll(() => database.close());

  const ticker = () => new ScheduledPromptTicker(schedules, scheduled, config);

  it('after downtime fires a schedule once, for its first missed tick, then waits for the next tick to come', async () => {
    submitted = [];
    const created = await scheduled.add(
      { name: 'morning', cronExpression: '0 9 * * *', timeZone: 'Europe/Berlin', prompt: 'Good morning', destination: { chat }, createdBy: 'test' },
      new Date('2026-01-01T12:00:00Z'),
    );
    expect(created.nextRunAt.toISOString()).toBe('2026-01-02T08:00:00.000Z');

    // Down for three days: three ticks passed.
    expect(await ticker().tick(new Date('2026-01-04T12:00:00Z'))).toBe(1);
    expect(submitted.map((prompt) => prompt.id)).toEqual([`cron:${created.id}:2026-01-02T08:00:00.000Z`]);
    expect(await schedules.findByName('morning')).toMatchObject({ lastRunAt: new Date('2026-01-02T08:00:00Z'), nextRunAt: new Date('2026-01-05T08:00:00Z') });
    expect(await ticker().tick(new Date('2026-01-04T12:00:01Z'))).toBe(0);
    expect(submitted).toHaveLength(1);
    await scheduled.remove('morning');
  });

  it('two replicas ticking at once submit the tick under one id and move it on once', async () => {
    submitted = [];
    const created = await scheduled.add(
      { name: 'every-second', cronExpression: '* * * * * *', timeZone: 'UTC', prompt: 'Tick', destination: { chat }, createdBy: 'test' },
      new Date('2026-02-01T00:00:00Z'),
    );
    const now = new Date('2026-02-01T00:00:01.500Z');
    const moved = await Promise.all([ticker().tick(now), ticker().tick(now)]);
    expect(moved.reduce((a, b) => a + b)).toBe(1);
    expect(new Set(submitted.map((prompt) => prompt.id))).toEqual(new Set([`cron:${created.id}:2026-02-01T00:00:01.000Z`]));
    expect((await schedules.findByName('every-second'))?.nextRunAt).toEqual(new Date('2026-02-01T00:00:02.000Z'));
  });

  it('refuses a bad expression or zone, naming it, and stores nothing', async () => {
    const request = { name: 'bad', cronExpression: '0 25 * * *', timeZone: 'UTC', prompt: 'x', destination: { chat }, createdBy: 'test' };
    await expect(scheduled.add(request)).rejects.toThrow('cron expression "0 25 * * *" is invalid');
    await expect(scheduled.add({ ...request, cronExpression: '0 9 * * *', timeZone: 'Europe/Atlantis' })).rejects.toThrow('unknown time zone "Europe/Atlantis"');
    expect(await schedules.findByName('bad')).toBeNull();
  });
});
