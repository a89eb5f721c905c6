import type { SessionRecord, StoredInbound } from '@switchboard/persistence';

export interface ParsedCommand {
  name: string;
  args: string;
}

/** `/name@bot args` → {name, args}; anything else → undefined. */
export function parseCommand(text: string): ParsedCommand | undefined {
  const match = /^\/([a-z][a-z0-9_]{0,31})(?:@\S+)?(?:\s+([\s\S]*))?$/i.exec(text.trim());
  return match ? { name: match[1].toLowerCase(), args: (match[2] ?? '').trim() } : undefined;
}

export interface CommandContext {
  inbound: StoredInbound;
  session: SessionRecord;
  /** Whether this user may run the command (the security policy decides). */
  mayRun(command: string): boolean;
  resetSession(): Promise<void>;
  modelDescription: string;
}

const HELP = [
  'Talk to me in plain words and I answer.',
  '/new or /reset: start a fresh conversation',
  '/whoami: show your user id on this platform',
  '/help: this list',
].join('\n');

/**
 * The gateway's own slash commands, answered without the model. Returns the reply text, or
 * undefined when the message is not one of them (it then goes to the model as it is).
 */
export async function runChatCommand(command: ParsedCommand, ctx: CommandContext): Promise<string | undefined> {
  const known = ['help', 'whoami', 'new', 'reset', 'status'];
  if (!known.includes(command.name)) return undefined;
  if (!ctx.mayRun(command.name)) return `You are not allowed to run /${command.name}.`;
  switch (command.name) {
    case 'help':
      return HELP;
    case 'whoami':
      return `You are ${ctx.inbound.senderName ?? 'unknown'} (user id ${ctx.inbound.senderId}) on ${ctx.inbound.platform}.`;
    case 'new':
    case 'reset':
      await ctx.resetSession();
      return 'Started a fresh conversation.';
    case 'status':
      return `Session ${ctx.session.key}\nModel: ${ctx.modelDescription}`;
  }
  return undefined;
}
