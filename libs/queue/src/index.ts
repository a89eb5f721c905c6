export { BullMqQueueDriver } from './bullmq/bullmq.driver';
export { redisOptionsFromUrl } from './bullmq/redis-options';
export { pingRedis } from './bullmq/redis-ping';
export { InProcessQueueDriver } from './in-process/in-process.driver';
export { DeadLetterSummary } from './dead-letter-summary';
export type { DeadLetterQueueSummary } from './dead-letter-summary';
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
export { isOutage, retryDuringOutage } from './outage';
export { isRetryable, retryDelayMs } from './retry-policy';
export { InProcessLeaseDriver } from './lease/in-process-lease.driver';
export { LEASE_DRIVER, LEASE_RETRY_MS } from './lease/lease-driver';
export type { Lease, LeaseDriver } from './lease/lease-driver';
export { LeaseModule } from './lease/lease.module';
export { RedisLeaseDriver } from './lease/redis-lease.driver';
export type { RedisLeaseTiming } from './lease/redis-lease.driver';
export { RedisReplicaBus } from './replica-bus/redis-replica-bus';
