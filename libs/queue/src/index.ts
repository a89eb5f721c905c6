export { BullMqQueueDriver } from './bullmq/bullmq.driver';
export { redisOptionsFromUrl } from './bullmq/redis-options';
export { pingRedis } from './bullmq/redis-ping';
export { InProcessQueueDriver } from './in-process/in-process.driver';
export { JOB_NAMES } from './job-map';
export type { JobMap, JobName } from './job-map';
export { QUEUE_DRIVER } from './queue-driver';
export type {
  AddJobOptions,
  DeadLetter,
  JobContext,
  JobHandler,
  ProcessOptions,
  QueueCounts,
  QueueDefaults,
  QueueDriver,
} from './queue-driver';
export { QueueModule } from './queue.module';
export { QueueProbe } from './queue.probe';
export { isRetryable, retryDelayMs } from './retry-policy';
