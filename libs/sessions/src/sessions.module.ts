import { Module } from '@nestjs/common';
import { APP_CONFIG, type SwitchboardConfig } from '@switchboard/config';
import { PersistenceModule } from '@switchboard/persistence';
import { redisOptionsFromUrl } from '@switchboard/queue/bullmq/redis-options';
import Redis from 'ioredis';
import { RedisSessionLock } from './redis-session-lock';
import { InProcessSessionLock, SESSION_LOCK, SessionLock } from './session-lock';
import { SessionService } from './session.service';
import { InProcessTurnCancels, RedisTurnCancels, TURN_CANCELS, TurnCancels } from './turn-cancels';

/**
 * Sessions, their lock and the way to stop a session's running turn: in-process with the embedded
 * queue, on Redis with BullMQ (several processes).
 */
@Module({
  imports: [PersistenceModule],
  providers: [
    SessionService,
    {
      provide: SESSION_LOCK,
      inject: [APP_CONFIG],
      useFactory: ({ redis }: SwitchboardConfig): SessionLock =>
        redis.url
          ? // Lock commands of runs that start or end in the same tick share one write to Redis.
            new RedisSessionLock(new Redis({ ...redisOptionsFromUrl(redis.url), enableAutoPipelining: true }))
          : new InProcessSessionLock(),
    },
    {
      provide: TURN_CANCELS,
      inject: [APP_CONFIG],
      useFactory: ({ redis }: SwitchboardConfig): TurnCancels => {
        if (!redis.url) return new InProcessTurnCancels();
        const options = redisOptionsFromUrl(redis.url);
        // A subscribed connection can do nothing else: one to publish, one to listen.
        return new RedisTurnCancels(new Redis({ ...options, enableOfflineQueue: false }), new Redis(options), options.db ?? 0);
      },
    },
  ],
  exports: [SessionService, SESSION_LOCK, TURN_CANCELS],
})
export class SessionsModule {}
