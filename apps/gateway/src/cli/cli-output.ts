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

export interface CheckRow {
  part: string;
  ok: boolean;
  detail: string;
}

/** A two-column table of checks with ✓/✗, aligned for a terminal. */
export function formatChecks(rows: CheckRow[]): string {
  const width = Math.max(...rows.map((row) => row.part.length));
  return rows.map((row) => `${row.ok ? '✓' : '✗'} ${row.part.padEnd(width)}  ${row.detail}`).join('\n');
}
