import { Inject, Injectable } from '@nestjs/common';
import { type ConversationRecord, ConversationRepository, HomeChannelRepository } from '@switchboard/persistence';
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
  readonly description = 'start a fresh conversation (/resume goes back to this one)';
  readonly permission = 'everyone';

  constructor(private readonly sessions: SessionService) {}

  async run({ session, inbound }: ChatCommandContext): Promise<ChatCommandOutcome> {
    await this.sessions.resetNow(session.id, inbound.senderId);
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

  constructor(private readonly conversations: ConversationRepository) {}

  async run({ session, args }: ChatCommandContext): Promise<ChatCommandOutcome> {
    if (!args) return reply(session.settings.title ? `Title: ${session.settings.title}` : 'This conversation has no title. Set one with /title <name>.');
    if (!session.conversationId) return reply('This chat has no conversation to name yet.');
    const title = args.replace(/\s+/g, ' ').slice(0, 100);
    await this.conversations.setTitle(session.conversationId, title);
    return reply(`Title set: ${title}`);
  }
}

/** How many conversations of the chat /resume looks at, and how many of the caller's it lists. */
const SCANNED = 100;
const LISTED = 10;

/**
 * /resume [name or number]: makes an earlier conversation of the caller's in this chat the active
 * one again (the model sees its history, new messages join it). Without a name it lists them,
 * newest first; a number picks from that list, a name is a title (or the unique start of one).
 * Only the caller's own: those they started with /new, or whose first message they wrote.
 */
@Injectable()
export class ResumeCommand implements ChatCommand {
  readonly name = 'resume';
  readonly args = '[name or number]';
  readonly description = 'go back to an earlier conversation of yours (without a name: list them)';
  readonly permission = 'everyone';

  constructor(private readonly conversations: ConversationRepository) {}

  async run({ session, inbound, args }: ChatCommandContext): Promise<ChatCommandOutcome> {
    const all = (await this.conversations.list(session.id, SCANNED)).filter((conversation) => conversation.title || conversation.firstWords);
    const isYours = (conversation: ConversationRecord) => inbound.senderId !== null && conversation.owner === inbound.senderId;
    const yours = all.filter((conversation) => !conversation.active && isYours(conversation)).slice(0, LISTED);
    if (!args) {
      if (!yours.length) return reply('You have no earlier conversation in this chat. /new starts a fresh one and keeps this one for /resume.');
      const lines = yours.map((conversation, index) => `${index + 1}. ${label(conversation)} (${when(conversation.lastActivityAt)})`);
      return reply(['Your earlier conversations here; /resume <number or title> goes back to one:', ...lines].join('\n'));
    }
    const byNumber = /^\d+$/.test(args);
    // A title of the caller's own comes first; another's is named only to refuse it.
    const found = byNumber ? yours[Number(args) - 1] : (byTitle(all.filter(isYours), args) ?? byTitle(all, args));
    if (found === 'several') return reply(`Several conversations have a title starting with "${args}". Type more of it, or its number from /resume.`);
    if (!found) return reply(byNumber ? `There is no conversation ${args} in your list; /resume lists them.` : `No conversation here is titled "${args}"; /resume lists yours.`);
    if (!isYours(found)) return reply(`The conversation "${label(found)}" is not yours: you can only resume your own.`);
    if (found.active) return reply(`You are in "${label(found)}" already.`);
    if (!(await this.conversations.activate(session.id, found.id))) return reply('That conversation is gone.');
    return reply(`Resumed "${label(found)}" (${when(found.lastActivityAt)}). The model sees that conversation again.`);
  }
}

/** The conversation titled `name` (case and spacing aside), else the only one whose title starts with it. */
function byTitle(conversations: ConversationRecord[], name: string): ConversationRecord | 'several' | undefined {
  const wanted = normalised(name);
  const titled = conversations.filter((conversation) => conversation.title);
  const exact = titled.filter((conversation) => normalised(conversation.title!) === wanted);
  const matches = exact.length ? exact : titled.filter((conversation) => normalised(conversation.title!).startsWith(wanted));
  if (matches.length > 1) return 'several';
  return matches[0];
}

const normalised = (text: string) => text.replace(/\s+/g, ' ').trim().toLowerCase();

/** Its title, else its first words. */
function label(conversation: ConversationRecord): string {
  if (conversation.title) return conversation.title;
  const words = (conversation.firstWords ?? '').replace(/\s+/g, ' ').trim();
  return words.length > 50 ? `${words.slice(0, 49)}…` : words;
}

/** "2026-12-03 18:07 UTC". */
const when = (at: Date) => `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
