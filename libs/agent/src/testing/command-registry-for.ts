import type { SwitchboardConfig } from '@switchboard/config';
import {
  AuditRepository,
  ConversationRepository,
  HomeChannelRepository,
  MessageRepository,
  SessionRepository,
  SessionSummaryRepository,
  ToolCallRepository,
  UsageRepository,
} from '@switchboard/persistence';
import type { TestDatabase } from '@switchboard/persistence/security/testing-databases';
import type { LlmRouter } from '@switchboard/providers';
import type { QueueDriver } from '@switchboard/queue';
import { AccessLists, CommandPermissions, RuntimeSettings } from '@switchboard/security';
import { SessionService } from '@switchboard/sessions';
import { ApproveCommand, DenyCommand, ToolApprovals } from '../commands/approval.commands';
import type { ChatCommand } from '../commands/chat-command';
import { BusyCommand, ReasoningCommand } from '../commands/chat-settings.commands';
import { ChatCommandRegistry } from '../commands/command-registry';
import { CompressCommand } from '../commands/context.commands';
import { InsightsCommand } from '../commands/insights.command';
import { ContextCompressor } from '../context/context-compressor';
import { RetryCommand, UndoCommand } from '../commands/history.commands';
import { ModelCommand, PersonalityCommand } from '../commands/model.commands';
import { StopCommand, UsageCommand } from '../commands/run.commands';
import { HelpCommand, NewCommand, ResumeCommand, StatusCommand, TitleCommand, WhoamiCommand } from '../commands/session.commands';
import { SetHomeCommand } from '../cron/cron.commands';
import type { ToolSource } from '../tools/agent-tool';
import { ToolLoop } from '../tools/tool-loop';
import { ToolRegistry } from '../tools/tool-registry';

/**
 * For specs: the registry as AgentModule builds it, on a test database (without /background and
 * /cron, which queue jobs); /approve and /deny queue resumed turns on `queue` (by default, nowhere).
 */
export function commandRegistryFor(
  db: TestDatabase['db'],
  config: SwitchboardConfig,
  router: Pick<LlmRouter, 'describe' | 'models' | 'findModel' | 'stream'>,
  queue: Pick<QueueDriver, 'add'> = { add: async () => '' },
): ChatCommandRegistry {
  const sessions = new SessionRepository(db);
  const messages = new MessageRepository(db);
  const calls = new ToolCallRepository(db);
  const approvals = new ToolApprovals(calls, queue);
  const commands: ChatCommand[] = [
    new NewCommand(new SessionService(sessions, messages, config)),
    new ResumeCommand(new ConversationRepository(db)),
    new StopCommand(calls),
    new RetryCommand(messages),
    new UndoCommand(messages),
    new ModelCommand(sessions, router),
    new PersonalityCommand(sessions, config),
    new ReasoningCommand(sessions),
    new BusyCommand(sessions, config),
    new TitleCommand(new ConversationRepository(db)),
    new CompressCommand(new ContextCompressor(new SessionSummaryRepository(db), router, config)),
    new UsageCommand(new UsageRepository(db)),
    new InsightsCommand(new UsageRepository(db)),
    new SetHomeCommand(new HomeChannelRepository(db)),
    new ApproveCommand(calls, approvals),
    new DenyCommand(calls, approvals),
    new StatusCommand(router, new HomeChannelRepository(db)),
    new WhoamiCommand(),
    new HelpCommand(),
  ];
  return new ChatCommandRegistry(commands, permissionsFor(config), new AuditRepository(db));
}

/** For specs: the tool loop as AgentModule builds it, with these tool sources. */
export function toolLoopFor(db: TestDatabase['db'], config: SwitchboardConfig, router: Pick<LlmRouter, 'stream'>, sources: ToolSource[] = []): ToolLoop {
  return new ToolLoop(new ToolRegistry(sources, permissionsFor(config), config), new ToolCallRepository(db), router, config);
}

export function permissionsFor(config: SwitchboardConfig): CommandPermissions {
  return new CommandPermissions(new RuntimeSettings(config), new AccessLists(new RuntimeSettings(config)));
}
