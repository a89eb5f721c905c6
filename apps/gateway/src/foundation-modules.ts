import type { DynamicModule } from '@nestjs/common';
import { ConfigModule, SwitchboardConfig } from '@switchboard/config';
import { LoggingModule } from '@switchboard/observability';

/**
 * The global modules both a gateway process and a worker process are built on: configuration and
 * logging. Every other module imports the modules it uses.
 */
export function foundationModules(config: SwitchboardConfig): DynamicModule[] {
  return [ConfigModule.forRoot(config), LoggingModule.forRoot(config)];
}
