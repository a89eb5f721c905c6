import { Injectable } from '@nestjs/common';
import { ToolCallRepository, UsageRepository, type UsageTotals } from '@switchboard/persistence';
import { type ChatCommand, type ChatCommandContext, type ChatCommandOutcome, reply } from './chat-command';

/** The result a call settled by /stop keeps (the model never gets it: its turn is closed). */
export const STOPPED_CALL = 'Stopped with /stop before it ran; this call did not run.';

/**
 * /stop: the inbound pipeline stops the running answer as soon as the message is stored (see
 * BusyInput). Once the session is free, this closes the answers that wait for a tool call's
 * approval (or were approved and have not resumed yet): their calls never run and nothing
 * answers their messages any more.
 */
@Injectable()
export class StopCommand implements ChatCommand {
  readonly name = 'stop';
  readonly description = 'stop the answer being written, and cancel tool calls waiting for approval';
  readonly permission = 'everyone';

  constructor(private readonly calls: ToolCallRepository) {}

  async run({ inbound, turn }: ChatCommandContext): Promise<ChatCommandOutcome> {
    const closed = await this.calls.closeParked(turn.id, turn.holder, {
      sameConversation: false,
      approvedToo: true,
      result: STOPPED_CALL,
      error: 'stopped with /stop while it waited for a tool call',
      decidedBy: `${inbound.platform}:${inbound.senderId ?? 'unknown'}`,
    });
    if (!closed.length) return reply('⏹ Stopped.');
    return reply(`⏹ Stopped. ${closed.length === 1 ? 'The answer that waited for a tool call was' : `${closed.length} answers that waited for tool calls were`} cancelled; the tool does not run.`);
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
