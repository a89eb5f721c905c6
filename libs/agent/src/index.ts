export { AgentModule } from './agent.module';
export { chunkText } from './reply/chunk-text';
export { ReplyStreamer, keepTyping } from './reply/reply-streamer';
export { parseCommand } from './turn/chat-commands';
export { TurnRunner } from './turn/turn-runner';
