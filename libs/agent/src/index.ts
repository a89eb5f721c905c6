export { AgentModule } from './agent.module';
export { DirectChatService } from './direct-chat/direct-chat.service';
export type { DirectChatEvent, DirectChatRequest } from './direct-chat/direct-chat.service';
export { chunkText } from './reply/chunk-text';
export { ReplyStreamer, keepTyping } from './reply/reply-streamer';
export { parseCommand } from './turn/chat-commands';
export { TurnRunner } from './turn/turn-runner';
