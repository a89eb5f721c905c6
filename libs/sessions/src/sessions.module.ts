import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import type { SwitchboardConfig } from '@switchboard/config';
import { redisOptionsFromUrl } from '@switchboard/queue/bullmq/redis-options';
import Redis from 'ioredis';
import { RedisSessionLock } from './redis-session-lock';
import { InProcessSessionLock, SessionLock } from './session-lock';
import { SessionService } from './session.service';

/** Sessions and their lock: in-process with the embedded queue, on Redis with BullMQ (several processes). */
@Global()
@Module({})
export class SessionsModule {
  static forRoot(config: SwitchboardConfig): DynamicModule {
    const redisUrl = config.redis.url;
    const lock: Provider = redisUrl
      ? {
          provide: SessionLock,
          // Lock commands of runs that start or end in the same tick share one write to Redis.
          useFactory: () => new RedisSessionLock(new Redis({ ...redisOptionsFromUrl(redisUrl), enableAutoPipelining: true })),
        }
      : { provide: SessionLock, useClass: InProcessSessionLock };
    return { module: SessionsModule, providers: [SessionService, lock], exports: [SessionService, SessionLock] };
  }
}
