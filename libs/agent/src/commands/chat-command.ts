import type { HistoryEntry, SessionRecord, StoredInbound, TurnHolder } from '@switchboard/persistence';

/** Who may run a command when GATEWAY_COMMAND_PERMISSIONS does not list it. */
export type CommandPermission = 'everyone' | 'admins';

export interface ChatCommandContext {
  /** The message carrying the command. */
  inbound: StoredInbound;
  session: SessionRecord;
  /** The turn answering the command, and its run's lease token (its writes are fenced by it). */
  turn: { id: string; holder: TurnHolder };
  /** What follows the command name, trimmed. */
  args: string;
  /** The conversation the model sees before this message (gateway commands and their replies left out). */
  history: HistoryEntry[];
  /** Every command of the registry, in menu order (for /help). */
  commands: readonly ChatCommand[];
}

/**
 * What a command leads to: a reply from the gateway, or an answer of the model to an earlier
 * message (`history` is what the model sees before it), which becomes the command's reply.
 */
export type ChatCommandOutcome = { reply: string } | { answer: { history: HistoryEntry[]; message: HistoryEntry } };

/** A slash command the gateway answers itself. */
export interface ChatCommand {
  /** Lower case, without the slash; also the name in the platform's command menu. */
  readonly name: string;
  /** Other names that run it (not shown in the menu). */
  readonly aliases?: readonly string[];
  /** How the arguments read in help, e.g. "[provider:model]". */
  readonly args?: string;
  /** One line for help and the command menu. */
  readonly description: string;
  readonly permission: CommandPermission;
  run(context: ChatCommandContext): Promise<ChatCommandOutcome>;
}

/** Nest token of the ChatCommand list. */
export const CHAT_COMMANDS = Symbol('CHAT_COMMANDS');

/** Commands whose reply is the model's answer, which the model sees in later turns (see conversation()). */
export const ANSWERED_BY_MODEL: ReadonlySet<string> = new Set(['retry']);

export const reply = (text: string): ChatCommandOutcome => ({ reply: text });
