import { BeforeApplicationShutdown, DynamicModule, Inject, Module, Provider } from '@nestjs/common';
import { BullModule, getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type { SwitchboardConfig } from '@switchboard/config';
import { QueueJobRepository } from '@switchboard/persistence';
import { BULLMQ_PREFIX, BullMqQueueDriver } from './bullmq/bullmq.driver';
import { redisOptionsFromUrl } from './bullmq/redis-options';
import { InProcessQueueDriver } from './in-process/in-process.driver';
import { JOB_NAMES, JobMap } from './job-map';
import { QUEUE_DRIVER, QueueDefaults, QueueDriver } from './queue-driver';
import { QueueProbe } from './queue.probe';

const SHUTDOWN_TIMEOUT = Symbol('QUEUE_SHUTDOWN_TIMEOUT');

/**
 * Provides QUEUE_DRIVER: BullMQ when Redis is configured, otherwise the in-process driver backed
 * by the database. The choice is made once, here.
 */
@Module({})
export class QueueModule implements BeforeApplicationShutdown {
  constructor(
    @Inject(QUEUE_DRIVER) private readonly queue: QueueDriver,
    @Inject(SHUTDOWN_TIMEOUT) private readonly shutdownTimeoutMs: number,
  ) {}

  static forRoot(config: SwitchboardConfig): DynamicModule {
    const defaults: QueueDefaults = { ...config.queue };
    const shared: Provider[] = [QueueProbe, { provide: SHUTDOWN_TIMEOUT, useValue: config.gateway.shutdownTimeoutMs }];
    const exports = [QUEUE_DRIVER, QueueProbe];

    if (!config.redis.url) {
      const driver: Provider = {
        provide: QUEUE_DRIVER,
        inject: [QueueJobRepository],
        useFactory: (jobs: QueueJobRepository) => new InProcessQueueDriver<JobMap>(jobs, defaults),
      };
      return { module: QueueModule, global: true, providers: [driver, ...shared], exports };
    }

    const connection = redisOptionsFromUrl(config.redis.url);
    const driver: Provider = {
      provide: QUEUE_DRIVER,
      inject: JOB_NAMES.map((name) => getQueueToken(name)),
      useFactory: (...queues: Queue[]) =>
        new BullMqQueueDriver<JobMap>(new Map(JOB_NAMES.map((name, i) => [name, queues[i]])), connection, defaults),
    };
    return {
      module: QueueModule,
      global: true,
      imports: [
        BullModule.forRoot({ connection, prefix: BULLMQ_PREFIX }),
        BullModule.registerQueue(...JOB_NAMES.map((name) => ({ name }))),
      ],
      providers: [driver, ...shared],
      exports,
    };
  }

  // Before the database closes and before @nestjs/bullmq closes the queues (onApplicationShutdown).
  async beforeApplicationShutdown(): Promise<void> {
    await this.queue.close(this.shutdownTimeoutMs);
  }
}
