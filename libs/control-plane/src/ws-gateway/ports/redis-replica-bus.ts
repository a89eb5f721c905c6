import { Provider } from '@nestjs/common';
import { APP_CONFIG, SwitchboardConfig } from '@switchboard/config';
import { RedisReplicaBus, redisOptionsFromUrl } from '@switchboard/queue';
import { REPLICA_BUS } from '../../ws/ports/replica-bus.port';

/** The control plane's bus between replicas when Redis is configured (several replicas may run), else null. */
export const replicaBusProvider: Provider = {
  provide: REPLICA_BUS,
  inject: [APP_CONFIG],
  useFactory: (config: SwitchboardConfig) => (config.redis.url ? new RedisReplicaBus(redisOptionsFromUrl(config.redis.url)) : null),
};
