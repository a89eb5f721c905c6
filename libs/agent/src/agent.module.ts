import { Module } from '@nestjs/common';
import { ChannelsModule } from '@switchboard/channels';
import { CHAT_SESSION_DIRECTORY } from '@switchboard/core';
import { MetricsModule } from '@switchboard/observability';
import { PersistenceModule } from '@switchboard/persistence';
import { ProvidersModule } from '@switchboard/providers';
import { QueueModule } from '@switchboard/queue';
import { SecurityModule } from '@switchboard/security';
import { SessionsModule } from '@switchboard/sessions';
import { BackgroundCommand } from './background/background.command';
import { GatewayPrompts } from './background/gateway-prompts';
import { ApproveCommand, DenyCommand, ToolApprovals } from './commands/approval.commands';
import { CHAT_COMMANDS, type ChatCommand } from './commands/chat-command';
import { CommandMenuPublisher } from './commands/command-menu.publisher';
import { ChatCommandRegistry } from './commands/command-registry';
import { BusyCommand, ReasoningCommand } from './commands/chat-settings.commands';
import { CompressCommand } from './commands/context.commands';
import { InsightsCommand } from './commands/insights.command';
import { ContextCompressor } from './context/context-compressor';
import { RetryCommand, UndoCommand } from './commands/history.commands';
import { ModelCommand, PersonalityCommand } from './commands/model.commands';
import { StopCommand, UsageCommand } from './commands/run.commands';
import { HelpCommand, NewCommand, ResumeCommand, StatusCommand, TitleCommand, WhoamiCommand } from './commands/session.commands';
import { CronCommand, SetHomeCommand } from './cron/cron.commands';
import { ScheduledPromptTicker } from './cron/scheduled-prompt.ticker';
import { ScheduledPrompts } from './cron/scheduled-prompts.service';
import { DirectChatService } from './direct-chat/direct-chat.service';
import { MessageProcessor } from './turn/message.processor';
import { NotifyProcessor } from './turn/notify.processor';
import { PendingMessageSweeper } from './turn/pending-message.sweeper';
import { TurnFailure } from './turn/turn-failure';
import { TOOL_SOURCES, type ToolSource } from './tools/agent-tool';
import { BuiltInToolSource } from './tools/built-in/built-in-tools.source';
import { ToolApprovalSweeper } from './tools/tool-approval.sweeper';
import { ToolLoop } from './tools/tool-loop';
import { ToolRegistry } from './tools/tool-registry';
import { ChatSessionOverview } from './sessions/chat-session-overview';
import { TurnRunner } from './turn/turn-runner';
import { McpModule } from './tools/mcp/mcp.module';
import { McpServers } from './tools/mcp/mcp-servers';

// The chat commands, in the order help and the command menus show them.
const commands = [
  NewCommand,
  ResumeCommand,
  StopCommand,
  RetryCommand,
  UndoCommand,
  ModelCommand,
  PersonalityCommand,
  ReasoningCommand,
  BusyCommand,
  TitleCommand,
  CompressCommand,
  UsageCommand,
  InsightsCommand,
  BackgroundCommand,
  CronCommand,
  SetHomeCommand,
  ApproveCommand,
  DenyCommand,
  StatusCommand,
  WhoamiCommand,
  HelpCommand,
];

/**
 * Prompts the gateway gives itself: background tasks and scheduled prompts (the CLI uses it
 * without the rest of the agent when no gateway runs).
 */
@Module({
  imports: [PersistenceModule, QueueModule],
  providers: [GatewayPrompts, ScheduledPrompts],
  exports: [GatewayPrompts, ScheduledPrompts],
})
export class ScheduledPromptsModule {}

/**
 * The sessions of a chat as a platform shows them to its user (CHAT_SESSION_DIRECTORY), for the
 * receiving side of the channels (InboundChannelsModule.forRoot).
 */
@Module({
  imports: [PersistenceModule, ProvidersModule],
  providers: [{ provide: CHAT_SESSION_DIRECTORY, useClass: ChatSessionOverview }],
  exports: [CHAT_SESSION_DIRECTORY],
})
export class ChatSessionsModule {}

/**
 * Agent turns: TurnRunner, and DirectChatService through which the control plane and the
 * OpenAI-compatible API answer. AgentWorkerModule consumes the queue with them.
 */
@Module({
  imports: [ChannelsModule, McpModule, MetricsModule, PersistenceModule, ProvidersModule, QueueModule, ScheduledPromptsModule, SecurityModule, SessionsModule],
  providers: [
    TurnRunner,
    BuiltInToolSource,
    // The built-in tools, then each MCP server's.
    {
      provide: TOOL_SOURCES,
      inject: [BuiltInToolSource, McpServers],
      useFactory: (builtIn: BuiltInToolSource, mcp: McpServers): ToolSource[] => [builtIn, ...mcp.connections],
    },
    ToolRegistry,
    ToolLoop,
    ToolApprovals,
    ContextCompressor,
    DirectChatService,
    ...commands,
    { provide: CHAT_COMMANDS, inject: commands, useFactory: (...list: ChatCommand[]): ChatCommand[] => list },
    ChatCommandRegistry,
    CommandMenuPublisher,
  ],
  exports: [TurnRunner, DirectChatService, ChatCommandRegistry, ToolApprovals],
})
export class AgentModule {}

/**
 * The session worker: consumes queued messages and answers them through the model. In a worker
 * process, and in a gateway process without worker processes.
 */
@Module({
  imports: [AgentModule, ChannelsModule, MetricsModule, PersistenceModule, QueueModule, ScheduledPromptsModule, SessionsModule],
  providers: [MessageProcessor, NotifyProcessor, PendingMessageSweeper, ScheduledPromptTicker, ToolApprovalSweeper, TurnFailure],
})
export class AgentWorkerModule {}
