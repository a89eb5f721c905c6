import { Injectable } from '@nestjs/common';
import { type HistoryEntry, MessageRepository } from '@switchboard/persistence';
import { type ChatCommand, type ChatCommandContext, type ChatCommandOutcome, reply } from './chat-command';

/** The last message of the conversation and the answers to it (none when it went unanswered). */
function lastExchange(history: HistoryEntry[]): { message: HistoryEntry; answers: HistoryEntry[]; before: HistoryEntry[] } | undefined {
  const index = history.findLastIndex((entry) => entry.role === 'user');
  if (index < 0) return undefined;
  const message = history[index];
  return {
    message,
    answers: history.filter((entry) => entry.role === 'assistant' && entry.replyTo === message.id),
    before: history.slice(0, index),
  };
}

@Injectable()
export class RetryCommand implements ChatCommand {
  readonly name = 'retry';
  readonly description = 'answer your last message again';
  readonly permission = 'everyone';

  constructor(private readonly messages: MessageRepository) {}

  async run({ session, history }: ChatCommandContext): Promise<ChatCommandOutcome> {
    const last = lastExchange(history);
    if (!last) return reply('There is no message to answer again.');
    // The earlier answer stays stored but the model no longer sees it: the new one replaces it.
    if (last.answers.length) await this.messages.markUndone(session.id, last.answers.map((entry) => entry.id));
    return { answer: { history: last.before, message: last.message } };
  }
}

@Injectable()
export class UndoCommand implements ChatCommand {
  readonly name = 'undo';
  readonly description = 'take your last message and its answer out of the conversation';
  readonly permission = 'everyone';

  constructor(private readonly messages: MessageRepository) {}

  async run({ session, history }: ChatCommandContext): Promise<ChatCommandOutcome> {
    const last = lastExchange(history);
    if (!last) return reply('There is nothing to undo.');
    await this.messages.markUndone(session.id, [last.message.id, ...last.answers.map((entry) => entry.id)]);
    return reply(`Undone: "${preview(last.message.text)}" and its answer. The model no longer sees them.`);
  }
}

function preview(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}
