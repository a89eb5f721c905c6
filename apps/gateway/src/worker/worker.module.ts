import { DynamicModule, Module } from '@nestjs/common';
import { AgentWorkerModule } from '@switchboard/agent';
import type { SwitchboardConfig } from '@switchboard/config';
import { foundationModules } from '../foundation-modules';

/**
 * A worker process: answers queued messages and sends the replies. It takes no input of its own
 * (no HTTP, no webhooks, no polling); the gateway process accepts messages and queues them.
 */
@Module({})
export class WorkerModule {
  static forRoot(config: SwitchboardConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [...foundationModules(config), AgentWorkerModule],
    };
  }
}
