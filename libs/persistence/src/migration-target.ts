import path from 'node:path';
import { createPglite } from './pglite';
import { DataDirLock } from './data-dir.lock';
import { Migrator, MigratorOptions } from './migrations/migrator';

export interface MigrationTarget {
  /** PostgreSQL URL; unset means the embedded PGlite database in `dataDir`. */
  url?: string;
  dataDir: string;
}

/**
 * Runs `work` with a Migrator on the configured database. An embedded database is locked for the
 * duration, so this fails with a clear message while a gateway has it open.
 */
export async function withMigrator<T>(target: MigrationTarget, work: (migrator: Migrator) => Promise<T>): Promise<T> {
  if (target.url) {
    const migrator = Migrator.forPostgres(target.url);
    try {
      return await work(migrator);
    } finally {
      await migrator.close();
    }
  }
  const lock = DataDirLock.acquire(target.dataDir);
  const pglite = await createPglite(path.join(target.dataDir, 'pglite'));
  const migrator = Migrator.forPglite(pglite);
  try {
    return await work(migrator);
  } finally {
    await migrator.close();
    await pglite.close();
    lock.release();
  }
}

/**
 * Runs `work` with a Migrator on a throwaway in-memory database: for `check` and `createMigration`,
 * which compare schema.prisma with the migrations folder and need no server.
 */
export async function withSchemaMigrator<T>(options: MigratorOptions, work: (migrator: Migrator) => Promise<T>): Promise<T> {
  const pglite = await createPglite('memory://');
  const migrator = Migrator.forPglite(pglite, options);
  try {
    return await work(migrator);
  } finally {
    await migrator.close();
    await pglite.close();
  }
}
