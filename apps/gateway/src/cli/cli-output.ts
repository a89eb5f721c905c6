/** An expected failure of a command: printed as one line, exits with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** ok ✓, warning ⚠ (works, but something is off or missing), failed ✗ (the command exits 1). */
export type CheckStatus = 'ok' | 'warning' | 'failed';

export interface CheckRow {
  part: string;
  status: CheckStatus;
  detail: string;
}

const MARKS: Record<CheckStatus, string> = { ok: '✓', warning: '⚠', failed: '✗' };

/** A two-column table of checks with ✓/⚠/✗, aligned for a terminal. */
export function formatChecks(rows: CheckRow[]): string {
  const width = Math.max(...rows.map((row) => row.part.length));
  return rows.map((row) => `${MARKS[row.status]} ${row.part.padEnd(width)}  ${row.detail}`).join('\n');
}

/**
 * A reader that closes the pipe early (`switchboard ... | head`) is not an error: stop quietly
 * with the status so far instead of crashing on EPIPE.
 */
export function endQuietlyWhenStdoutCloses(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
}
