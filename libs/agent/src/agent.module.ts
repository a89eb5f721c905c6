import { DynamicModule, Module } from '@nestjs/common';
import { DirectChatService } from './direct-chat/direct-chat.service';
import { MessageProcessor } from './turn/message.processor';
import { NotifyProcessor } from './turn/notify.processor';
import { PendingMessageSweeper } from './turn/pending-message.sweeper';
import { TurnRunner } from './turn/turn-runner';

export interface AgentModuleOptions {
  /** Consume the queue in this process; false in a gateway whose worker processes do. */
  processJobs: boolean;
}

/**
 * The session worker: consumes queued messages and answers them through the model. Global: the
 * control plane and the OpenAI-compatible API answer through DirectChatService.
 */
@Module({})
export class AgentModule {
  static forRoot(options: AgentModuleOptions): DynamicModule {
    const processors = options.processJobs ? [MessageProcessor, NotifyProcessor, PendingMessageSweeper] : [];
    return {
      module: AgentModule,
      global: true,
      providers: [TurnRunner, DirectChatService, ...processors],
      exports: [TurnRunner, DirectChatService],
    };
  }
}
