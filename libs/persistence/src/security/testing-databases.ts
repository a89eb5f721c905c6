import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Database, openDatabase } from '../database';
import { findPrismaDir, localMigrations, readMigrationsList } from '../migrations/migration-files';
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
    await copyMigratedPglite(dir.path);
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

/**
 * Puts a migrated, empty embedded database into a gateway data directory, so a test that does not
 * test the first start skips migrating PGlite from nothing.
 */
export async function copyMigratedPglite(dataDir: string): Promise<void> {
  cpSync(path.join(await migratedPgliteTemplate(), 'pglite'), path.join(dataDir, 'pglite'), { recursive: true });
}

/**
 * A data directory holding a migrated, empty PGlite database, made once per set of migrations and
 * shared by every test process on the machine: migrating PGlite from nothing takes seconds (tens of
 * seconds on a loaded host), copying a migrated one a fraction of that. openDatabase still runs the
 * migrator on the copy, which finds nothing to apply.
 */
async function migratedPgliteTemplate(): Promise<string> {
  const template = path.join(os.tmpdir(), `switchboard-pglite-template-${migrationsFingerprint()}`);
  if (existsSync(path.join(template, 'complete'))) return template;
  const building = createTempDir('sb-pglite-template-');
  const db = await openDatabase({ dataDir: building.path });
  await db.close();
  writeFileSync(path.join(building.path, 'complete'), '');
  try {
    renameSync(building.path, template);
  } catch {
    // Another test process finished the same template first: use theirs.
    building.remove();
  }
  return template;
}

function migrationsFingerprint(): string {
  const migrations = localMigrations(readMigrationsList(path.join(findPrismaDir(), 'migrations')));
  const hash = createHash('sha256');
  for (const migration of migrations) hash.update(`${migration.name}:${migration.checksum}\n`);
  return hash.digest('hex').slice(0, 16);
}
