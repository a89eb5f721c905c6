import { Module } from '@nestjs/common';
import { DirectChatService } from './direct-chat/direct-chat.service';
import { MessageProcessor } from './turn/message.processor';
import { NotifyProcessor } from './turn/notify.processor';
import { TurnRunner } from './turn/turn-runner';

/** The session worker: consumes queued messages and answers them through the model. */
@Module({
  providers: [TurnRunner, MessageProcessor, NotifyProcessor, DirectChatService],
  exports: [TurnRunner, DirectChatService],
})
export class AgentModule {}
