import { Inject, Injectable, Logger } from '@nestjs/common';
import { type CommandMenuEntry, type ParsedCommand, parseCommand } from '@switchboard/core';
import { AuditRepository, type HistoryEntry, type SessionRecord, type StoredInbound } from '@switchboard/persistence';
import type { ChatCommandContext } from './chat-command';
import { CommandPermissions } from '@switchboard/security';
import { CHAT_COMMANDS, type ChatCommand, type ChatCommandOutcome } from './chat-command';

/**
 * The gateway's slash commands: looks a command up by name or alias, checks the sender's
 * permission, runs it; writes /help and the platforms' command menus from the same list. Any
 * other `/word` gets the short help (it is not sent to the model). Fails at start on a name used twice.
 */
@Injectable()
export class ChatCommandRegistry {
  private readonly logger = new Logger('ChatCommands');
  private readonly byName = new Map<string, ChatCommand>();

  constructor(
    @Inject(CHAT_COMMANDS) readonly commands: readonly ChatCommand[],
    private readonly permissions: CommandPermissions,
    private readonly audit: AuditRepository,
  ) {
    for (const command of commands) {
      for (const name of [command.name, ...(command.aliases ?? [])]) {
        if (!/^[a-z][a-z0-9_]{0,31}$/.test(name)) throw new Error(`chat command name "${name}" is not a valid command name`);
        if (this.byName.has(name)) throw new Error(`chat command /${name} is registered twice`);
        this.byName.set(name, command);
      }
    }
  }

  find(name: string): ChatCommand | undefined {
    return this.byName.get(name);
  }

  /** The command menu a platform shows (Telegram: setMyCommands). */
  menu(): CommandMenuEntry[] {
    return this.commands.map((command) => ({
      name: command.name,
      description: command.args ? `${command.description} ${command.args}` : command.description,
    }));
  }

  mayRun(command: ChatCommand, inbound: StoredInbound): boolean {
    return this.permissions.canRun(inbound.platform, inbound.senderId ?? '', command.name, command.permission);
  }

  /** Runs the command of a message; undefined when the message is no command. */
  async run(inbound: StoredInbound, session: SessionRecord, history: HistoryEntry[], turn: ChatCommandContext['turn']): Promise<ChatCommandOutcome | undefined> {
    const parsed = parseCommand(inbound.text);
    if (!parsed) return undefined;
    const command = this.find(parsed.name);
    if (!command) return { reply: `Unknown command /${parsed.name}. Commands: ${this.commands.map((c) => `/${c.name}`).join(' ')} (/help explains them).` };
    if (!this.mayRun(command, inbound)) {
      await this.refused(command, parsed, inbound);
      return { reply: `You are not allowed to run /${command.name}.` };
    }
    return command.run({ inbound, session, turn, args: parsed.args, history, commands: this.commands });
  }

  private async refused(command: ChatCommand, parsed: ParsedCommand, inbound: StoredInbound): Promise<void> {
    const who = `${inbound.platform}:${inbound.senderId ?? 'unknown'}`;
    this.logger.warn({ msg: `/${command.name} refused to ${who}`, command: command.name, platform: inbound.platform, senderId: inbound.senderId });
    await this.audit
      .append({
        actor: `chat:${who}`,
        action: 'chat.command.refused',
        targetType: 'command',
        targetId: command.name,
        after: { args: parsed.args.slice(0, 200), messageId: inbound.id },
      })
      .catch((error: unknown) => this.logger.warn(`refusal of /${command.name} not audited: ${error instanceof Error ? error.message : error}`));
  }
}
