import { Injectable } from '@nestjs/common';
import { UsageRepository } from '@switchboard/persistence';
import { type ChatCommand, type ChatCommandContext, type ChatCommandOutcome, reply } from './chat-command';
import { totalsLine } from './run.commands';

const DEFAULT_DAYS = 7;
const MAX_DAYS = 365;
const DAY_MS = 24 * 60 * 60 * 1000;

@Injectable()
export class InsightsCommand implements ChatCommand {
  readonly name = 'insights';
  readonly args = '[days]';
  readonly description = `your answers, tokens, cost, models and busiest hours of the last days (default ${DEFAULT_DAYS})`;
  readonly permission = 'everyone';

  constructor(private readonly usage: UsageRepository) {}

  async run({ session, inbound, args }: ChatCommandContext): Promise<ChatCommandOutcome> {
    const days = args ? Number(args) : DEFAULT_DAYS;
    if (!/^\d+$/.test(args || '0') || days < 1 || days > MAX_DAYS) return reply(`/insights takes a number of days from 1 to ${MAX_DAYS}, e.g. /insights 30.`);
    const since = new Date(Date.now() - days * DAY_MS);
    const insights = await this.usage.insights(inbound.platform, inbound.senderId ?? '', session.id, since);
    const period = days === 1 ? 'the last day' : `the last ${days} days`;
    if (!insights.models.length) return reply(`No answers to your messages in ${period}.`);
    return reply(
      [
        `Your use in ${period}:`,
        `All your conversations here: ${totalsLine(insights.yours)}`,
        `This conversation: ${totalsLine(insights.here)}`,
        `Models: ${insights.models.map((entry) => `${entry.model} (${entry.turns})`).join(', ')}`,
        `Busiest hours (UTC): ${insights.hours.map((entry) => `${String(entry.hour).padStart(2, '0')}:00 (${entry.answers})`).join(', ')}`,
      ].join('\n'),
    );
  }
}
