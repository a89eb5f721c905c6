import { Inject, Injectable } from '@nestjs/common';
import { InjectConfig, type SwitchboardConfig } from '@switchboard/config';
import { SessionRepository } from '@switchboard/persistence';
import { LlmRouter } from '@switchboard/providers';
import { type ChatCommand, type ChatCommandContext, type ChatCommandOutcome, reply } from './chat-command';

@Injectable()
export class ModelCommand implements ChatCommand {
  readonly name = 'model';
  readonly args = '[provider:model]';
  readonly description = 'switch this conversation to another allowed model (without a name: show them)';
  readonly permission = 'everyone';

  constructor(
    private readonly sessions: SessionRepository,
    @Inject(LlmRouter) private readonly router: Pick<LlmRouter, 'models' | 'findModel'>,
  ) {}

  async run({ session, args }: ChatCommandContext): Promise<ChatCommandOutcome> {
    const allowed = this.router.models();
    if (!allowed.length) return reply('No model is configured on this gateway.');
    const current = session.settings.model ?? allowed[0];
    if (!args) return reply([`Model: ${current}`, 'Allowed:', ...allowed.map((model) => `${model === current ? '•' : '-'} ${model}`)].join('\n'));
    const model = this.router.findModel(args);
    if (!model) return reply(`${args} is not allowed here. Allowed: ${allowed.join(', ')}`);
    // The configured model is stored as no choice, so a later change of LLM_MODEL applies.
    await this.sessions.updateSettings(session.id, { model: model === allowed[0] ? null : model });
    return reply(`Model for this conversation: ${model}`);
  }
}

@Injectable()
export class PersonalityCommand implements ChatCommand {
  readonly name = 'personality';
  readonly args = '[name]';
  readonly description = 'switch to a named personality, "default" to go back (without a name: list them)';
  readonly permission = 'everyone';

  constructor(
    private readonly sessions: SessionRepository,
    @InjectConfig() private readonly config: SwitchboardConfig,
  ) {}

  async run({ session, args }: ChatCommandContext): Promise<ChatCommandOutcome> {
    const names = Object.keys(this.config.agent.personalities);
    const current = session.settings.personality ?? 'default';
    if (!args) {
      if (!names.length) return reply('Only the default personality is configured (AGENT_PERSONALITIES is empty).');
      return reply([`Personality: ${current}`, `Available: default, ${names.join(', ')}`].join('\n'));
    }
    const name = args.toLowerCase();
    if (name !== 'default' && !names.includes(name)) return reply(`There is no personality "${args}". Available: default${names.map((n) => `, ${n}`).join('')}`);
    await this.sessions.updateSettings(session.id, { personality: name === 'default' ? null : name });
    return reply(`Personality for this conversation: ${name}`);
  }
}
