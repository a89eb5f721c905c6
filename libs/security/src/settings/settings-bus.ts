import { Provider } from '@nestjs/common';
import { APP_CONFIG, SwitchboardConfig } from '@switchboard/config';
import { RedisReplicaBus, redisOptionsFromUrl } from '@switchboard/queue';

/**
 * Nest token of the ReplicaBus that tells the other replicas (and worker processes) of a settings
 * change; null without Redis, where this process is the only one and applies its changes itself.
 */
export const SETTINGS_BUS = Symbol('SETTINGS_BUS');

/** The replica bus on its own topic, so control-plane subscribers never see settings events. */
export const settingsBusProvider: Provider = {
  provide: SETTINGS_BUS,
  inject: [APP_CONFIG],
  useFactory: (config: SwitchboardConfig) => (config.redis.url ? new RedisReplicaBus(redisOptionsFromUrl(config.redis.url), 'settings') : null),
};

/** The event a replica publishes after it changed settings in the database. */
export const SETTINGS_CHANGED = 'settings.changed';
