import { Injectable } from '@nestjs/common';
import { UsageRepository, type UsageTotals } from '@switchboard/persistence';
import { type ChatCommand, type ChatCommandContext, type ChatCommandOutcome, reply } from './chat-command';

/**
 * /stop: the inbound pipeline stops the running answer as soon as the message is stored (see
 * BusyInput); this only confirms it once the session is free.
 */
@Injectable()
export class StopCommand implements ChatCommand {
  readonly name = 'stop';
  readonly description = 'stop the answer being written';
  readonly permission = 'everyone';

  async run(): Promise<ChatCommandOutcome> {
    return reply('⏹ Stopped.');
  }
}

@Injectable()
export class UsageCommand implements ChatCommand {
  readonly name = 'usage';
  readonly description = 'tokens and estimated cost of this conversation and of all yours';
  readonly permission = 'everyone';

  constructor(private readonly usage: UsageRepository) {}

  async run({ session, inbound }: ChatCommandContext): Promise<ChatCommandOutcome> {
    const [here, yours] = await Promise.all([
      this.usage.sessionTotals(session.id),
      this.usage.userTotals(inbound.platform, inbound.senderId ?? ''),
    ]);
    return reply([`This conversation: ${totalsLine(here)}`, `All your conversations here: ${totalsLine(yours)}`].join('\n'));
  }
}

export function totalsLine(totals: UsageTotals): string {
  const cost = totals.costUsd > 0 ? `, about $${totals.costUsd.toFixed(totals.costUsd < 0.01 ? 4 : 2)}` : '';
  return `${totals.turns} ${totals.turns === 1 ? 'answer' : 'answers'}, ${totals.inputTokens} tokens in, ${totals.outputTokens} tokens out${cost}`;
}
