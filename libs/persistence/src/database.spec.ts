import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_KINDS, TestDatabase, openTestDatabase } from './security/testing-databases';

describe('Database on PostgreSQL', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await openTestDatabase('postgres');
  });
  afterAll(() => database.close());

  it('survives the server closing its idle connections, and reconnects on the next query', async () => {
    const statement = { name: 'database_spec_now', text: 'SELECT current_database() AS name' };
    const [{ name }] = await database.db.sql.query<{ name: string }>(statement, []);

    // What a server restart or an administrator does to the pool's idle connections.
    const admin = new pg.Client({ connectionString: 'postgresql://postgres@127.0.0.1:5432/postgres' });
    await admin.connect();
    try {
      const { rows } = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
      expect(rows.length).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(await database.db.sql.query(statement, [])).toEqual([{ name }]);
  });
});

describe.each(TEST_DATABASE_KINDS)('Database.sql.transaction on %s', (kind) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(() => database.close());

  const insertHome = { text: `INSERT INTO "HomeChannel" ("platform", "userId", "accountId", "chatType", "chatId", "updatedAt") VALUES ('test', $1, 'default', 'dm', $1, now())` };
  const homes = async (userId: string) => database.db.sql.query({ text: `SELECT 1 FROM "HomeChannel" WHERE "platform" = 'test' AND "userId" = $1` }, [userId]);

  it('commits the work when it resolves and undoes all of it when it throws', async () => {
    await database.db.sql.transaction(async (sql) => {
      await sql.query(insertHome, ['kept']);
    });
    expect(await homes('kept')).toHaveLength(1);

    await expect(
      database.db.sql.transaction(async (sql) => {
        await sql.query(insertHome, ['undone']);
        throw new Error('the work failed');
      }),
    ).rejects.toThrow('the work failed');
    expect(await homes('undone')).toHaveLength(0);
  });
});
