import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type SwitchboardConfig } from '@switchboard/config';
import { redisOptionsFromUrl } from '../bullmq/redis-options';
import { InProcessLeaseDriver } from './in-process-lease.driver';
import { LEASE_DRIVER, type LeaseDriver } from './lease-driver';
import { RedisLeaseDriver } from './redis-lease.driver';

/**
 * Provides LEASE_DRIVER: leases in Redis when Redis is configured (replicas share them), otherwise
 * in this process (embedded mode runs one process).
 */
@Module({
  providers: [
    {
      provide: LEASE_DRIVER,
      inject: [APP_CONFIG],
      useFactory: ({ redis }: SwitchboardConfig): LeaseDriver =>
        redis.url ? new RedisLeaseDriver(redisOptionsFromUrl(redis.url)) : new InProcessLeaseDriver(),
    },
  ],
  exports: [LEASE_DRIVER],
})
export class LeaseModule implements OnApplicationShutdown {
  constructor(@Inject(LEASE_DRIVER) private readonly leases: LeaseDriver) {}

  // After the holders stopped their work (beforeApplicationShutdown) and released what they held.
  async onApplicationShutdown(): Promise<void> {
    await this.leases.close();
  }
}
