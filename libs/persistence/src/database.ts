import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPglite } from './pglite';
import { Logger } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { DataDirLock } from './data-dir.lock';
import { PrismaClient } from './generated/prisma/client';
import { Migrator } from './migrations/migrator';
import { SqlClient, pgliteSqlClient, postgresSqlClient } from './sql-client';
import { runInTransaction, scopedClient } from './transaction-scope';

export type DatabaseKind = 'postgres' | 'pglite';

/** An open database with its schema up to date. Only this lib sees the Prisma client. */
export interface Database {
  readonly kind: DatabaseKind;
  readonly prisma: PrismaClient;
  /** The same database for the statements every message runs (see SqlClient). */
  readonly sql: SqlClient;
  /** Migrations this process applied when it opened the database. */
  readonly appliedMigrations: string[];
  /** Runs `work` in one transaction: every `prisma` call inside it (any repository) is part of it. */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL URL; unset means embedded PGlite in `dataDir`. */
  url?: string;
  dataDir: string;
  /** Connection pool size for PostgreSQL. */
  poolSize?: number;
}

/** Opens PostgreSQL or embedded PGlite and applies pending migrations first. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  return options.url ? openPostgres(options.url, options.poolSize ?? 10) : openPglite(options.dataDir);
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const migrator = Migrator.forPostgres(url);
  let appliedMigrations: string[];
  try {
    appliedMigrations = await migrator.apply();
  } finally {
    await migrator.close();
  }
  // One pool for Prisma and the plain statements.
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle connection the server closed (restart, failover, an administrator) is dropped from
  // the pool and replaced on next use; without a listener its error would end the process.
  pool.on('error', (error) => new Logger('Database').warn(`idle PostgreSQL connection lost: ${error.message}`));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  await prisma.$connect();
  return {
    kind: 'postgres',
    get prisma() {
      return scopedClient(prisma);
    },
    transaction: (work) => runInTransaction(prisma, work),
    sql: postgresSqlClient(pool),
    appliedMigrations,
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

/**
 * Embedded PostgreSQL. shared_buffers is lowered from PostgreSQL's 128 MB default, which is
 * otherwise most of an idle embedded gateway's memory.
 */
async function openPglite(dataDir: string): Promise<Database> {
  const lock = DataDirLock.acquire(dataDir);
  let pglite: PGlite | undefined;
  try {
    pglite = await createPglite(path.join(dataDir, 'pglite'), {
      startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'],
    });
    const migrator = Migrator.forPglite(pglite);
    const appliedMigrations = await migrator.apply();
    await migrator.close();
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
    await prisma.$connect();
    const db = pglite;
    return {
      kind: 'pglite',
      get prisma() {
        return scopedClient(prisma);
      },
      transaction: (work) => runInTransaction(prisma, work),
      sql: pgliteSqlClient(db),
      appliedMigrations,
      async close() {
        await prisma.$disconnect();
        await db.close();
        lock.release();
      },
    };
  } catch (error) {
    await pglite?.close().catch(() => undefined);
    lock.release();
    throw error;
  }
}
