import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '@switchboard/config';
import { SwitchboardMetrics } from '@switchboard/observability';
import { MessageRepository, QueueJobRepository, TurnRepository } from '@switchboard/persistence';
import { TestDatabase, openTestDatabase, uniquePlatform } from '@switchboard/persistence/security/testing-databases';
import { InProcessQueueDriver, JobMap } from '@switchboard/queue';
import { InProcessSessionLock } from '@switchboard/sessions';
import { inboundDm } from '@switchboard/testing';
import { PendingMessageSweeper } from './pending-message.sweeper';
import { TURN_FAILED_TEXT, TurnFailure } from './turn-failure';

describe('PendingMessageSweeper', () => {
  let database: TestDatabase;
  let messages: MessageRepository;
  let turns: TurnRepository;
  let jobs: QueueJobRepository;
  const drivers: InProcessQueueDriver<JobMap>[] = [];

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    messages = new MessageRepository(database.db);
    turns = new TurnRepository(database.db);
    jobs = new QueueJobRepository(database.db);
  });
  afterEach(async () => {
    await Promise.all(drivers.splice(0).map((driver) => driver.close(0)));
    await database.db.prisma.pendingMessage.deleteMany();
    await database.db.prisma.queueJob.deleteMany();
  });
  afterAll(() => database.close());

  /** A sweeper on a real in-process queue that nothing consumes, so queued jobs stay visible. */
  function sweeperOn(requeueAfterMs = 60_000) {
    const queue = new InProcessQueueDriver<JobMap>(jobs, { attempts: 3, backoffMs: 100, concurrency: 1 });
    drivers.push(queue);
    const metrics = new SwitchboardMetrics();
    const config = configSchema.parse({ queue: { requeueAfterMs } });
    const lock = new InProcessSessionLock();
    return { queue, metrics, lock, sweeper: new PendingMessageSweeper(queue, messages, new TurnFailure(queue, turns, new SwitchboardMetrics()), lock, metrics, config) };
  }

  async function accept(chat: string) {
    const platform = uniquePlatform();
    const identity = { key: `agent:main:${platform}:dm:${chat}`, agentId: 'main', platform, accountId: 'default', chatType: 'dm' as const, chatId: chat };
    const accepted = await messages.acceptInbound(identity, inboundDm(platform, chat), new Date());
    return { id: accepted.message!.id, sessionKey: accepted.session.key };
  }

  const queued = async () =>
    (await database.db.prisma.queueJob.findMany({ where: { name: 'message.process' }, orderBy: { createdAt: 'asc' } })).map((job) => ({
      id: job.id,
      payload: job.payload,
    }));
  const notices = async () => (await database.db.prisma.queueJob.findMany({ where: { name: 'channel.notify' } })).map((job) => ({ id: job.id, payload: job.payload }));

  it('queues every unfinished message under its own id, and leaves finished ones alone', async () => {
    const waiting = await accept('waiting');
    const finished = await accept('finished');
    await turns.markFailed((await turns.begin(finished.id)).id, 'gave up');
    const { sweeper, metrics } = sweeperOn();

    expect(await sweeper.sweep(new Date(Date.now() + 1_000), 'start')).toBe(1);
    expect(await queued()).toEqual([{ id: waiting.id, payload: { messageId: waiting.id, sessionKey: waiting.sessionKey } }]);
    expect((await metrics.messagesRequeued.get()).values).toEqual([expect.objectContaining({ labels: { reason: 'start' }, value: 1 })]);
  });

  it('queues the message of a turn resumed after a tool approval under the job id of that decision', async () => {
    const message = await accept('approved');
    // The decision (sb_decide_tool_call) made it pending again with a job id of its own: the queue
    // still knows the completed job of the message's own id, and would add nothing under it.
    const jobId = `${message.id}:0a1b2c3d`;
    await database.db.prisma.pendingMessage.update({ where: { messageId: message.id }, data: { jobId } });
    const { sweeper } = sweeperOn();

    expect(await sweeper.sweep(new Date(Date.now() + 1_000), 'stale')).toBe(1);
    expect(await queued()).toEqual([{ id: jobId, payload: { messageId: message.id, sessionKey: message.sessionKey } }]);
  });

  it('queues a message again only once it was last queued longer ago than the cutoff', async () => {
    const message = await accept('again');
    const { sweeper } = sweeperOn();
    const cutoff = new Date(Date.now() + 1_000);

    expect(await sweeper.sweep(cutoff, 'stale')).toBe(1);
    expect(await sweeper.sweep(cutoff, 'stale')).toBe(0);
    // Queueing it again while its job exists changes nothing.
    expect(await sweeper.sweep(new Date(cutoff.getTime() + 1), 'stale')).toBe(1);
    expect((await queued()).map((job) => job.id)).toEqual([message.id]);
  });

  it('queues a message whose queueing failed once the interval has passed', async () => {
    const message = await accept('failed-to-queue');
    const broken = sweeperOn();
    await broken.queue.close(0); // refuses every job from now on
    await expect(broken.sweeper.sweep(new Date(Date.now() + 1_000), 'stale')).rejects.toThrow('shutting down');
    expect(await queued()).toEqual([]);

    // The failed sweep claimed the row: a sweep at the same time leaves it alone, one past the
    // interval (here 1 s) queues it.
    const { sweeper } = sweeperOn(1_000);
    expect(await sweeper.sweep(new Date(), 'stale')).toBe(0);
    sweeper.onApplicationBootstrap();
    await expect.poll(async () => (await queued()).map((job) => job.id), { timeout: 5_000, interval: 100 }).toEqual([message.id]);
    await sweeper.onApplicationShutdown();
  });

  it('fails the turn of a message whose job is dead, and tells its chat once, instead of queueing it again for ever', async () => {
    const dead = await accept('dead-job');
    const waiting = await accept('still-waiting');
    // A job that ran out of attempts while the database was away: its turn was never failed.
    const payload = { messageId: dead.id, sessionKey: dead.sessionKey };
    await jobs.insert({ id: dead.id, name: 'message.process', payload, maxAttempts: 3, backoffMs: 100, runAt: new Date() });
    await jobs.bury(dead.id, 'model unreachable');
    const { sweeper, metrics } = sweeperOn();

    expect(await sweeper.sweep(new Date(Date.now() + 1_000), 'stale')).toBe(1);
    expect(await database.db.prisma.turn.findFirst({ where: { inboundMessageId: dead.id } })).toMatchObject({ status: 'failed' });
    expect(await messages.countPending(10)).toBe(1); // only the waiting one
    expect(await notices()).toEqual([
      { id: `turn-failed:${dead.id}`, payload: expect.objectContaining({ chatId: 'dead-job', text: TURN_FAILED_TEXT }) },
    ]);
    expect((await queued()).map((job) => job.id).sort()).toEqual([dead.id, waiting.id].sort());
    expect((await metrics.messagesRequeued.get()).values).toEqual([expect.objectContaining({ labels: { reason: 'stale' }, value: 1 })]);
    // The next sweep past the interval has nothing of it left to do.
    expect(await sweeper.sweep(new Date(Date.now() + 60_000), 'stale')).toBe(1);
    expect(await notices()).toHaveLength(1);
  });

  it('leaves a message whose session has a run in progress for a later sweep', async () => {
    const busy = await accept('busy-session');
    const { sweeper, lock } = sweeperOn();
    let finish!: () => void;
    // A long run of the session (a web-chat turn, say) holds it.
    const running = lock.run(busy.sessionKey, () => new Promise<void>((resolve) => (finish = resolve)));
    const cutoff = new Date(Date.now() + 1_000);

    expect(await sweeper.sweep(cutoff, 'stale')).toBe(0);
    expect(await queued()).toEqual([]);
    finish();
    await running;
    // Claimed by the sweep that skipped it, so due again only past the next cutoff.
    expect(await sweeper.sweep(cutoff, 'stale')).toBe(0);
    expect(await sweeper.sweep(new Date(cutoff.getTime() + 1), 'stale')).toBe(1);
    expect((await queued()).map((job) => job.id)).toEqual([busy.id]);
  });
});
