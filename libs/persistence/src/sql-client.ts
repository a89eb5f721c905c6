import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';

/**
 * A statement of the hot path; `name` identifies it as a prepared statement on PostgreSQL. Without
 * a name it is planned for each call's values (a search, whose best plan depends on the words).
 */
export interface SqlStatement {
  name?: string;
  text: string;
}

/**
 * Plain SQL for the few statements every message runs, without the ORM's per-query work. On
 * PostgreSQL each is prepared once per connection (parsed and planned once, not per message).
 * Values are bound as parameters; rows come back with PostgreSQL's types parsed (timestamptz as
 * Date, jsonb as objects, arrays as arrays).
 */
export interface SqlClient {
  query<Row>(statement: SqlStatement, values: unknown[]): Promise<Row[]>;
}

export function postgresSqlClient(pool: pg.Pool): SqlClient {
  return {
    async query<Row>(statement: SqlStatement, values: unknown[]): Promise<Row[]> {
      const result = await pool.query(statement.name ? { name: statement.name, text: statement.text, values } : { text: statement.text, values });
      return result.rows as Row[];
    },
  };
}

// PGlite runs one statement at a time and waits for any transaction Prisma has open on it.
export function pgliteSqlClient(pglite: PGlite): SqlClient {
  return {
    async query<Row>(statement: SqlStatement, values: unknown[]): Promise<Row[]> {
      return (await pglite.query<Row>(statement.text, values)).rows;
    },
  };
}
