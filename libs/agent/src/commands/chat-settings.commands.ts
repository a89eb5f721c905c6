import { Injectable } from '@nestjs/common';
import { InjectConfig, type SwitchboardConfig } from '@switchboard/config';
import { REASONING_LEVELS, type ReasoningLevel, SESSION_BUSY_MODES, type SessionBusyMode, SessionRepository } from '@switchboard/persistence';
import { busyModeFor } from '@switchboard/sessions';
import { type ChatCommand, type ChatCommandContext, type ChatCommandOutcome, reply } from './chat-command';

@Injectable()
export class ReasoningCommand implements ChatCommand {
  readonly name = 'reasoning';
  readonly args = '[off|low|medium|high|default|show|hide]';
  readonly description = "how hard the model thinks in this conversation, and whether its thinking is shown (without an argument: show them)";
  readonly permission = 'everyone';

  constructor(private readonly sessions: SessionRepository) {}

  async run({ session, args }: ChatCommandContext): Promise<ChatCommandOutcome> {
    const { reasoning, showReasoning } = session.settings;
    const choice = args.toLowerCase();
    if (!choice) {
      return reply(`Reasoning: ${reasoning ?? "default (the model's own)"}\nThinking: ${showReasoning ? 'shown above the answer' : 'hidden'}`);
    }
    if (choice === 'show' || choice === 'hide') {
      await this.sessions.updateSettings(session.id, { showReasoning: choice === 'show' });
      return reply(choice === 'show' ? 'The thinking of models that share it is shown above their answers.' : 'The thinking of the model is hidden.');
    }
    if (choice !== 'default' && !REASONING_LEVELS.includes(choice as ReasoningLevel)) {
      return reply(`"${args}" is no reasoning setting. Use one of: ${REASONING_LEVELS.join(', ')}, default, show, hide.`);
    }
    await this.sessions.updateSettings(session.id, { reasoning: choice === 'default' ? null : (choice as ReasoningLevel) });
    return reply(`Reasoning for this conversation: ${choice}`);
  }
}

@Injectable()
export class BusyCommand implements ChatCommand {
  readonly name = 'busy';
  readonly args = '[interrupt|queue|merge|default]';
  readonly description = 'what a message sent while I answer does here: stop and answer both, wait its turn, or join the next answer';
  readonly permission = 'everyone';

  constructor(
    private readonly sessions: SessionRepository,
    @InjectConfig() private readonly config: SwitchboardConfig,
  ) {}

  async run({ session, args }: ChatCommandContext): Promise<ChatCommandOutcome> {
    const choice = args.toLowerCase();
    const configured = busyModeFor(this.config, { platform: session.platform, settings: { ...session.settings, busyMode: null } });
    if (!choice) {
      const chosen = session.settings.busyMode;
      return reply(chosen ? `Busy mode here: ${chosen} (the gateway's: ${configured})` : `Busy mode here: ${configured} (the gateway's setting)`);
    }
    if (choice !== 'default' && !SESSION_BUSY_MODES.includes(choice as SessionBusyMode)) {
      return reply(`"${args}" is no busy mode. Use one of: ${SESSION_BUSY_MODES.join(', ')}, default.`);
    }
    await this.sessions.updateSettings(session.id, { busyMode: choice === 'default' ? null : (choice as SessionBusyMode) });
    return reply(`Busy mode here: ${choice === 'default' ? `${configured} (the gateway's setting)` : choice}`);
  }
}
