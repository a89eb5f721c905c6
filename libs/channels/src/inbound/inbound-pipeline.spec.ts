import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '@switchboard/config';
import { ChannelRegistry, ErrorCode } from '@switchboard/core';
import { SwitchboardMetrics } from '@switchboard/observability';
import { MessageRepository, QueueJobRepository, SessionRepository } from '@switchboard/persistence';
import { TestDatabase, openTestDatabase, uniquePlatform } from '@switchboard/persistence/security/testing-databases';
import { AddJobOptions, InProcessQueueDriver, JobMap, QueueDriver } from '@switchboard/queue';
import { AccessLists, type AccessPolicy, CommandPermissions, RuntimeSettings } from '@switchboard/security';
import { InProcessTurnCancels, SessionService } from '@switchboard/sessions';
import { inboundDm } from '@switchboard/testing';
import { BusyInput } from './busy-input';
import { InboundPipeline } from './inbound-pipeline';
import { PendingBacklog } from './pending-backlog';

/** The real in-process queue, whose adds wait until the test lets them through. */
class GatedQueue extends InProcessQueueDriver<JobMap> {
  private open!: () => void;
  readonly gate = new Promise<void>((resolve) => (this.open = resolve));
  release(): void {
    this.open();
  }
  override async add<N extends keyof JobMap & string>(name: N, payload: JobMap[N], options?: AddJobOptions): Promise<string> {
    await this.gate;
    return super.add(name, payload, options);
  }
}

describe('InboundPipeline', () => {
  let database: TestDatabase;
  let messages: MessageRepository;

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    messages = new MessageRepository(database.db);
  });
  afterAll(() => database.close());

  afterEach(() => database.db.prisma.pendingMessage.deleteMany());

  function pipelineWith(queue: QueueDriver, maxPending = 10_000) {
    const config = configSchema.parse({ queue: { maxPending } });
    const metrics = new SwitchboardMetrics();
    const sessions = new SessionService(new SessionRepository(database.db), messages, config);
    const allowAll: Pick<AccessPolicy, 'evaluate'> = { evaluate: async () => ({ kind: 'allow', reason: 'allow_all_users' }) };
    const backlog = new PendingBacklog(messages, metrics, config);
    return { backlog, metrics, pipeline: new InboundPipeline(sessions, allowAll, queue, metrics, new ChannelRegistry([]), backlog, new BusyInput(new InProcessTurnCancels(), new CommandPermissions(new RuntimeSettings(config), new AccessLists(new RuntimeSettings(config))), config)) };
  }

  const newQueue = () => new GatedQueue(new QueueJobRepository(database.db), { attempts: 3, backoffMs: 100, concurrency: 1 });

  it('acks a stored message without waiting for the queue, and queues it under its own id', async () => {
    const queue = newQueue();
    const { pipeline } = pipelineWith(queue);
    const platform = uniquePlatform();

    expect(await pipeline.accept(inboundDm(platform, '1', { text: 'hello' }))).toBe('accepted');
    const [pending] = await messages.claimPendingToRequeue(new Date(Date.now() + 60_000), 10);
    expect(await database.db.prisma.queueJob.count()).toBe(0);

    const queued = pipeline.queued();
    queue.release();
    await queued;
    expect((await database.db.prisma.queueJob.findMany()).map((job) => job.id)).toEqual([pending.id]);
    await queue.close(0);
  });

  it('refuses messages while the backlog is at QUEUE_MAX_PENDING, storing nothing, and takes them again once it shrinks', async () => {
    const queue = newQueue();
    queue.release();
    const { pipeline, backlog } = pipelineWith(queue, 2);
    const platform = uniquePlatform();
    await pipeline.accept(inboundDm(platform, '1'));
    await pipeline.accept(inboundDm(platform, '2'));
    await backlog.refresh();
    expect(backlog.full).toBe(true);

    const refused = inboundDm(platform, '3');
    await expect(pipeline.accept(refused)).rejects.toMatchObject({ code: ErrorCode.TEMPORARY, message: expect.stringContaining('QUEUE_MAX_PENDING') });
    expect(await messages.countPending(10)).toBe(2);

    await database.db.prisma.pendingMessage.deleteMany(); // both answered
    await backlog.refresh();
    expect(await pipeline.accept(refused)).toBe('accepted');
    await pipeline.queued();
    await queue.close(0);
  });

  it('acks and drops a message that can never be stored, counting it invalid, and stores the next one', async () => {
    const queue = newQueue();
    queue.release();
    const { pipeline, metrics } = pipelineWith(queue);
    const platform = uniquePlatform();

    // A Telegram update dated "yesterday", and a NUL character PostgreSQL cannot keep.
    expect(await pipeline.accept(inboundDm(platform, '1', { receivedAt: new Date(Number.NaN) }))).toBe('invalid');
    expect(await pipeline.accept(inboundDm(platform, '2', { text: 'a\u0000b' }))).toBe('invalid');
    expect(await pipeline.accept(inboundDm(platform, '3', { chatId: 42 as unknown as string }))).toBe('invalid');
    expect(await messages.countPending(10)).toBe(0);
    expect((await metrics.messagesIn.get()).values).toEqual([expect.objectContaining({ labels: { platform, outcome: 'invalid' }, value: 3 })]);

    expect(await pipeline.accept(inboundDm(platform, '4'))).toBe('accepted');
    await pipeline.queued();
    await queue.close(0);
  });
});
