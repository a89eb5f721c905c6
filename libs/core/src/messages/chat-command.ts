export interface ParsedCommand {
  name: string;
  args: string;
}

/** `/name@bot args` → {name, args}; anything else → undefined. */
export function parseCommand(text: string): ParsedCommand | undefined {
  const match = /^\/([a-z][a-z0-9_]{0,31})(?:@\S+)?(?:\s+([\s\S]*))?$/i.exec(text.trim());
  return match ? { name: match[1].toLowerCase(), args: (match[2] ?? '').trim() } : undefined;
}

/** A command as a platform's command menu shows it (Telegram's setMyCommands). */
export interface CommandMenuEntry {
  /** Without the slash, lower case. */
  name: string;
  description: string;
}
