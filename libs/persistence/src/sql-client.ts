import type { PGlite, Transaction } from '@electric-sql/pglite';
import type pg from 'pg';

/**
 * A statement of the hot path; `name` identifies it as a prepared statement on PostgreSQL. Without
 * a name it is planned for each call's values (a search, whose best plan depends on the words).
 */
export interface SqlStatement {
  name?: string;
  text: string;
}

/** Runs statements; rows come back with PostgreSQL's types parsed (see SqlClient). */
export interface SqlQueries {
  query<Row>(statement: SqlStatement, values: unknown[]): Promise<Row[]>;
}

/**
 * Plain SQL for the few statements every message runs, without the ORM's per-query work. On
 * PostgreSQL each is prepared once per connection (parsed and planned once, not per message).
 * Values are bound as parameters; rows come back with PostgreSQL's types parsed (timestamptz as
 * Date, jsonb as objects, arrays as arrays).
 */
export interface SqlClient extends SqlQueries {
  /**
   * Runs `work` in one transaction on one connection: committed when it resolves, rolled back when
   * it throws. Row locks taken inside (FOR UPDATE) are held until then.
   */
  transaction<T>(work: (sql: SqlQueries) => Promise<T>): Promise<T>;
}

export function postgresSqlClient(pool: pg.Pool): SqlClient {
  return {
    query: (statement, values) => queryOn(pool, statement, values),
    async transaction<T>(work: (sql: SqlQueries) => Promise<T>): Promise<T> {
      const connection = await pool.connect();
      let broken: Error | undefined;
      try {
        await connection.query('BEGIN');
        const result = await work({ query: (statement, values) => queryOn(connection, statement, values) });
        await connection.query('COMMIT');
        return result;
      } catch (error) {
        // A connection that cannot even roll back is dropped rather than handed to the next caller.
        await connection.query('ROLLBACK').catch((rollbackFailed: Error) => (broken = rollbackFailed));
        throw error;
      } finally {
        connection.release(broken);
      }
    },
  };
}

async function queryOn<Row>(on: pg.Pool | pg.PoolClient, statement: SqlStatement, values: unknown[]): Promise<Row[]> {
  const result = await on.query(statement.name ? { name: statement.name, text: statement.text, values } : { text: statement.text, values });
  return result.rows as Row[];
}

// PGlite runs one statement at a time and waits for any transaction Prisma has open on it.
export function pgliteSqlClient(pglite: PGlite): SqlClient {
  const queriesOn = (on: PGlite | Transaction): SqlQueries => ({
    async query<Row>(statement: SqlStatement, values: unknown[]): Promise<Row[]> {
      return (await on.query<Row>(statement.text, values)).rows;
    },
  });
  return { ...queriesOn(pglite), transaction: (work) => pglite.transaction((tx) => work(queriesOn(tx))) };
}
