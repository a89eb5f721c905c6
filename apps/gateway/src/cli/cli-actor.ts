import os from 'node:os';

/** Who the audit log names for a change made with the CLI: `cli:<os user>`. */
export function cliActor(): string {
  let user: string;
  try {
    user = os.userInfo().username;
  } catch {
    user = 'unknown';
  }
  return `cli:${user}`;
}
