import { randomBytes } from 'node:crypto';
import { Database, openDatabase } from '../database';
import { createTempDir, createTestPostgresDatabase } from '../migrations/testing-databases';

export type TestDatabaseKind = 'postgres' | 'pglite';

/** Both kinds a repository or policy spec runs against. */
export const TEST_DATABASE_KINDS: TestDatabaseKind[] = ['postgres', 'pglite'];

export interface TestDatabase {
  db: Database;
  /** Closes the database and drops it (PostgreSQL) or removes its directory (PGlite). */
  close(): Promise<void>;
}

/** A migrated, empty database of the given kind, private to the caller. */
export async function openTestDatabase(kind: TestDatabaseKind): Promise<TestDatabase> {
  const dir = createTempDir('sb-security-');
  if (kind === 'pglite') {
    const db = await openDatabase({ dataDir: dir.path });
    return {
      db,
      close: async () => {
        await db.close();
        dir.remove();
      },
    };
  }
  const server = await createTestPostgresDatabase();
  const db = await openDatabase({ url: server.url, dataDir: dir.path, poolSize: 4 });
  return {
    db,
    close: async () => {
      await db.close();
      await server.drop();
      dir.remove();
    },
  };
}

/** A platform name no other test uses, so tests sharing a database do not see each other's rows. */
export function uniquePlatform(prefix = 'test'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}
