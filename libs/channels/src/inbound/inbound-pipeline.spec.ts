import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '@switchboard/config';
import { ChannelRegistry } from '@switchboard/core';
import { SwitchboardMetrics } from '@switchboard/observability';
import { MessageRepository, QueueJobRepository, SessionRepository } from '@switchboard/persistence';
import { TestDatabase, openTestDatabase, uniquePlatform } from '@switchboard/persistence/security/testing-databases';
import { AddJobOptions, InProcessQueueDriver, JobMap } from '@switchboard/queue';
import type { AccessPolicy } from '@switchboard/security';
import { SessionService } from '@switchboard/sessions';
import { inboundDm } from '@switchboard/testing';
import { InboundPipeline } from './inbound-pipeline';

/** The real in-process queue, whose adds wait until the test lets them through. */
class GatedQueue extends InProcessQueueDriver<JobMap> {
  private open!: () => void;
  readonly gate = new Promise<void>((resolve) => (this.open = resolve));
  release(): void {
    this.open();
  }
  async add<N extends keyof JobMap & string>(name: N, payload: JobMap[N], options?: AddJobOptions): Promise<string> {
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

  function pipelineWith(queue: GatedQueue) {
    const config = configSchema.parse({});
    const sessions = new SessionService(new SessionRepository(database.db), messages, config);
    const allowAll = { evaluate: async () => ({ kind: 'allow', reason: 'allow_all_users' }) } as unknown as AccessPolicy;
    return new InboundPipeline(sessions, allowAll, queue, new SwitchboardMetrics(), new ChannelRegistry([]));
  }

  it('acks a stored message without waiting for the queue, and queues it under its own id', async () => {
    const queue = new GatedQueue(new QueueJobRepository(database.db), { attempts: 3, backoffMs: 100, concurrency: 1 });
    const pipeline = pipelineWith(queue);
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
});
