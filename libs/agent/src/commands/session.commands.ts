import { Inject, Injectable } from '@nestjs/common';
import { HomeChannelRepository, SessionRepository } from '@switchboard/persistence';
import { LlmRouter } from '@switchboard/providers';
import { SessionService } from '@switchboard/sessions';
import { type ChatCommand, type ChatCommandContext, type ChatCommandOutcome, reply } from './chat-command';

/** One line per command, names and arguments first. */
export function helpText(commands: readonly ChatCommand[]): string {
  const lines = commands.map((command) => {
    const names = [command.name, ...(command.aliases ?? [])].map((name) => `/${name}`).join(' or ');
    return `${names}${command.args ? ` ${command.args}` : ''}: ${command.description}`;
  });
  return ['Talk to me in plain words and I answer.', ...lines].join('\n');
}

@Injectable()
export class HelpCommand implements ChatCommand {
  readonly name = 'help';
  readonly description = 'this list';
  readonly permission = 'everyone';

  async run({ commands }: ChatCommandContext): Promise<ChatCommandOutcome> {
    return reply(helpText(commands));
  }
}

@Injectable()
export class WhoamiCommand implements ChatCommand {
  readonly name = 'whoami';
  readonly description = 'show your user id on this platform';
  readonly permission = 'everyone';

  async run({ inbound }: ChatCommandContext): Promise<ChatCommandOutcome> {
    return reply(`You are ${inbound.senderName ?? 'unknown'} (user id ${inbound.senderId}) on ${inbound.platform}.`);
  }
}

@Injectable()
export class NewCommand implements ChatCommand {
  readonly name = 'new';
  readonly aliases = ['reset'];
  readonly description = 'start a fresh conversation';
  readonly permission = 'everyone';

  constructor(private readonly sessions: SessionService) {}

  async run({ session }: ChatCommandContext): Promise<ChatCommandOutcome> {
    await this.sessions.resetNow(session.id);
    return reply('Started a fresh conversation.');
  }
}

@Injectable()
export class StatusCommand implements ChatCommand {
  readonly name = 'status';
  readonly description = 'show this conversation and its model';
  readonly permission = 'everyone';

  constructor(
    @Inject(LlmRouter) private readonly router: Pick<LlmRouter, 'describe'>,
    private readonly homes: HomeChannelRepository,
  ) {}

  async run({ session, inbound }: ChatCommandContext): Promise<ChatCommandOutcome> {
    const { settings } = session;
    const home = inbound.senderId ? await this.homes.find(inbound.platform, inbound.senderId) : null;
    const homeHere = home && home.accountId === session.accountId && home.chatId === session.chatId && home.threadId === session.threadId;
    const lines = [
      `Session ${session.key}`,
      ...(settings.title ? [`Title: ${settings.title}`] : []),
      `Model: ${settings.model ?? describeChain(this.router)}`,
      `Personality: ${settings.personality ?? 'default'}`,
      ...(home ? [`Your home channel (/sethome): ${homeHere ? 'this chat' : `${home.platform} chat ${home.chatId}`}`] : []),
    ];
    return reply(lines.join('\n'));
  }
}

/** The configured model and its fallbacks, "provider:model → ...". */
export function describeChain(router: Pick<LlmRouter, 'describe'>): string {
  const { provider, model, fallbacks } = router.describe();
  if (!provider) return 'none configured';
  return [`${provider}:${model ?? ''}`, ...fallbacks].join(' → ');
}

@Injectable()
export class TitleCommand implements ChatCommand {
  readonly name = 'title';
  readonly args = '[name]';
  readonly description = 'name this conversation (without a name: show it)';
  readonly permission = 'everyone';

  constructor(private readonly sessions: SessionRepository) {}

  async run({ session, args }: ChatCommandContext): Promise<ChatCommandOutcome> {
    if (!args) return reply(session.settings.title ? `Title: ${session.settings.title}` : 'This conversation has no title. Set one with /title <name>.');
    const title = args.replace(/\s+/g, ' ').slice(0, 100);
    await this.sessions.updateSettings(session.id, { title });
    return reply(`Title set: ${title}`);
  }
}
