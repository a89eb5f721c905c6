import { Injectable } from '@nestjs/common';
import { isDomainError } from '@switchboard/core';
import { HomeChannelRepository, ScheduledPromptRecord } from '@switchboard/persistence';
import { type ChatCommand, type ChatCommandContext, type ChatCommandOutcome, reply } from '../commands/chat-command';
import { ScheduledPrompts } from './scheduled-prompts.service';

/** /sethome: scheduled prompts of the sender are answered in this chat from now on. */
@Injectable()
export class SetHomeCommand implements ChatCommand {
  readonly name = 'sethome';
  readonly description = 'answer your scheduled prompts in this chat';
  readonly permission = 'everyone';

  constructor(private readonly homes: HomeChannelRepository) {}

  async run({ inbound, session }: ChatCommandContext): Promise<ChatCommandOutcome> {
    if (!inbound.senderId) return reply('This platform did not say who you are, so I cannot keep a home channel for you.');
    await this.homes.set(inbound.platform, inbound.senderId, {
      accountId: session.accountId,
      chatType: session.chatType,
      chatId: session.chatId,
      threadId: session.threadId,
    });
    return reply('🏠 This chat is your home channel now: your scheduled prompts are answered here.');
  }
}

const ADD_USAGE = 'Usage: /cron add <name> | <cron expression> | <time zone> | <prompt>, e.g. /cron add news | 0 9 * * 1-5 | Europe/Berlin | Summarise the news';

/** /cron list|add|remove: scheduled prompts, answered in the sender's home channel (else this chat). */
@Injectable()
export class CronCommand implements ChatCommand {
  readonly name = 'cron';
  readonly args = 'list | add <name> | <expression> | <zone> | <prompt> | remove <name>';
  readonly description = 'scheduled prompts';
  readonly permission = 'admins';

  constructor(
    private readonly scheduled: ScheduledPrompts,
    private readonly homes: HomeChannelRepository,
  ) {}

  async run(context: ChatCommandContext): Promise<ChatCommandOutcome> {
    const [verb = '', ...rest] = context.args.split(/\s+/);
    const args = rest.join(' ').trim();
    try {
      if (verb === 'list' || verb === '') return reply(listText(await this.scheduled.list()));
      if (verb === 'add') return reply(await this.add(context, args));
      if (verb === 'remove') {
        if (!args) return reply('Usage: /cron remove <name>');
        return reply(`Removed schedule ${(await this.scheduled.remove(args)).name}.`);
      }
      return reply(`Unknown /cron ${verb}. ${ADD_USAGE}; /cron list; /cron remove <name>.`);
    } catch (error) {
      if (isDomainError(error) && error.userMessage) return reply(error.userMessage);
      throw error;
    }
  }

  private async add({ inbound, session }: ChatCommandContext, args: string): Promise<string> {
    const fields = args.split('|').map((field) => field.trim());
    if (fields.length !== 4 || fields.some((field) => !field)) return ADD_USAGE;
    const [name, cronExpression, timeZone, prompt] = fields;
    const home = inbound.senderId ? await this.homes.find(inbound.platform, inbound.senderId) : null;
    const chat = home ?? { platform: session.platform, accountId: session.accountId, chatType: session.chatType, chatId: session.chatId, threadId: session.threadId };
    const created = await this.scheduled.add({
      name,
      cronExpression,
      timeZone,
      prompt,
      destination: { chat },
      createdBy: `chat:${inbound.platform}:${inbound.senderId ?? 'unknown'}`,
    });
    const where = home ? 'your home channel' : 'this chat (/sethome chooses another)';
    return `Added schedule ${created.name}: "${created.cronExpression}" (${created.timeZone}), answered in ${where}. Next run ${created.nextRunAt.toISOString()}.`;
  }
}

function listText(schedules: ScheduledPromptRecord[]): string {
  if (!schedules.length) return 'No scheduled prompts. Add one with /cron add <name> | <cron expression> | <time zone> | <prompt>.';
  return schedules
    .map((s) => `${s.name}: "${s.cronExpression}" (${s.timeZone}) → ${s.target.platform}:${s.target.chatId}${s.enabled ? '' : ' (disabled)'}, next ${s.nextRunAt.toISOString()}`)
    .join('\n');
}
