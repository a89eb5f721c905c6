import { MicroBatcher, MicroBatcherOptions } from '@switchboard/core';
import type { SqlClient, SqlStatement } from './sql-client';

export interface StatementBatcherOptions<Call> extends MicroBatcherOptions {
  /**
   * A batch runs its calls sorted by this key (calls with equal keys in arrival order), so that
   * two batches locking the same rows lock them in the same order and cannot deadlock.
   */
  lockOrderKey?: (call: Call) => string;
}

type BatchRow<Row> = Row & { batchIndex: number };

// What PostgreSQL cannot store in text or jsonb: NUL and UTF-16 surrogates without their pair.
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

// JSON.stringify writes NUL and a lone surrogate as these escapes (a well-formed pair as itself); text
// that merely looks like one (a backslash before "u0000") takes the careful path too.
const MAYBE_UNSTORABLE = /\\u0000|\\ud[89a-f]/i;

/** Calls as the statement's jsonb argument; unstorable characters become U+FFFD, as a text parameter would store them. */
export function toJsonArgument(calls: object[]): string {
  const json = JSON.stringify(calls);
  // Looking at every string on its own costs more than the rest; only needed when the escapes show up.
  if (!MAYBE_UNSTORABLE.test(json)) return json;
  return JSON.stringify(calls, (_key, value: unknown) => (typeof value === 'string' ? value.replace(UNSTORABLE, '\ufffd') : value));
}

/**
 * Runs the calls of one database function `fn(call jsonb)` (migration `batched_hot_path`) that
 * arrive together as one statement, so under load N round trips and N commits become one. The
 * calls of a batch run in order in one transaction; each sees what the calls before it wrote.
 */
export class StatementBatcher<Call extends object, Row extends object> {
  private readonly statement: SqlStatement;
  private readonly batcher: MicroBatcher<Call, Row[]>;

  constructor(
    private readonly sql: SqlClient,
    functionName: string,
    private readonly options: StatementBatcherOptions<Call> = {},
  ) {
    this.statement = {
      name: `batch_${functionName}`,
      text: `SELECT b.i::int AS "batchIndex", f.*
             FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS b(call, i)
             CROSS JOIN LATERAL "${functionName}"(b.call) AS f`,
    };
    this.batcher = new MicroBatcher((calls) => this.execute(calls), options);
  }

  /** The rows the function returned for this call. */
  run(call: Call): Promise<Row[]> {
    return this.batcher.run(call);
  }

  private async execute(calls: Call[]): Promise<Row[][]> {
    const order = this.lockOrder(calls);
    const rows = await this.sql.query<BatchRow<Row>>(this.statement, [toJsonArgument(order.map((index) => calls[index]))]);
    const byCall = calls.map((): Row[] => []);
    for (const { batchIndex, ...row } of rows) byCall[order[batchIndex - 1]].push(row as unknown as Row);
    return byCall;
  }

  /** Positions of `calls` in the order the statement runs them. */
  private lockOrder(calls: Call[]): number[] {
    const positions = calls.map((_, index) => index);
    const key = this.options.lockOrderKey;
    if (!key || calls.length === 1) return positions;
    const keys = calls.map(key);
    // Array.prototype.sort is stable: equal keys keep their arrival order.
    return positions.sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0));
  }
}
