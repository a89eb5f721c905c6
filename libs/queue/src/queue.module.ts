import { BeforeApplicationShutdown, Inject, Module, OnApplicationShutdown, Provider } from '@nestjs/common';
import { Queue } from 'bullmq';
import { APP_CONFIG, type SwitchboardConfig } from '@switchboard/config';
import { PersistenceModule, QueueJobRepository } from '@switchboard/persistence';
import { BULLMQ_PREFIX, BullMqQueueDriver } from './bullmq/bullmq.driver';
import { DeadLetterSummary } from './dead-letter-summary';
import { redisOptionsFromUrl } from './bullmq/redis-options';
import { InProcessQueueDriver } from './in-process/in-process.driver';
import { JOB_NAMES, JobMap } from './job-map';
import { QUEUE_DRIVER, QueueDriver } from './queue-driver';
import { QueueProbe } from './queue.probe';

/** The BullMQ queues by job name when Redis is configured, else null. */
const BULLMQ_QUEUES = Symbol('BULLMQ_QUEUES');
type BullMqQueues = ReadonlyMap<string, Queue> | null;

// The queues are built here from APP_CONFIG rather than by @nestjs/bullmq's BullModule, whose
// forRoot/registerQueue take the connection when the module is declared: that would make this a
// dynamic module built per process, and connect to Redis in embedded mode too.
const providers: Provider[] = [
  {
    provide: BULLMQ_QUEUES,
    inject: [APP_CONFIG],
    useFactory: (config: SwitchboardConfig): BullMqQueues => {
      if (!config.redis.url) return null;
      const connection = redisOptionsFromUrl(config.redis.url);
      return new Map(JOB_NAMES.map((name) => [name, new Queue(name, { connection, prefix: BULLMQ_PREFIX })]));
    },
  },
  {
    provide: QUEUE_DRIVER,
    inject: [APP_CONFIG, BULLMQ_QUEUES, QueueJobRepository],
    useFactory: (config: SwitchboardConfig, queues: BullMqQueues, jobs: QueueJobRepository): QueueDriver<JobMap> =>
      queues && config.redis.url
        ? new BullMqQueueDriver<JobMap>(queues, redisOptionsFromUrl(config.redis.url), { ...config.queue })
        : new InProcessQueueDriver<JobMap>(jobs, { ...config.queue }),
  },
  QueueProbe,
  DeadLetterSummary,
];

/**
 * Provides QUEUE_DRIVER: BullMQ when Redis is configured, otherwise the in-process driver backed
 * by the database. The choice is made once, here.
 */
@Module({
  imports: [PersistenceModule],
  providers,
  exports: [QUEUE_DRIVER, QueueProbe, DeadLetterSummary],
})
export class QueueModule implements BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(QUEUE_DRIVER) private readonly queue: QueueDriver,
    @Inject(BULLMQ_QUEUES) private readonly queues: BullMqQueues,
    @Inject(APP_CONFIG) private readonly config: SwitchboardConfig,
  ) {}

  // Before the database closes (onApplicationShutdown): the workers drain their jobs.
  async beforeApplicationShutdown(): Promise<void> {
    await this.queue.close(this.config.gateway.shutdownTimeoutMs);
  }

  // After the drain: nothing adds jobs any more.
  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...(this.queues?.values() ?? [])].map((queue) => queue.close()));
  }
}
