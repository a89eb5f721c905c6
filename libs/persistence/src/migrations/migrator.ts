import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPglite } from '../pglite';
import pg from 'pg';
import {
  type MigrationAdapterFactory,
  pgliteMigrationFactory,
  postgresMigrationFactory,
  scratchPgliteMigrationFactory,
} from './migration-adapters';
import {
  findPrismaDir,
  type LocalMigration,
  localMigrations,
  loadSchemaFiles,
  MIGRATION_LOCK,
  readMigrationsList,
  writeMigration,
} from './migration-files';
import { type SchemaEngine, withSchemaEngine } from './schema-engine';

export interface MigratorOptions {
  /** Folder holding schema.prisma and migrations/. Default: the project's `prisma/`. */
  prismaDir?: string;
}

/** Local migrations compared with `_prisma_migrations`, as `prisma migrate status` does. */
export interface MigrationStatus {
  applied: string[];
  pending: string[];
  failed: string[];
  /** Applied, but migration.sql changed since. */
  edited: string[];
}

export interface DriftCheck {
  inSync: boolean;
  /** SQL the migrations folder lacks to reach schema.prisma; '' when in sync. */
  missingSql: string;
}

type Target = { kind: 'postgres'; url: string } | { kind: 'pglite'; db: PGlite };

interface MigrationRecord {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/**
 * Session advisory lock every replica holds around check + apply on PostgreSQL. The engine takes
 * its own lock too, but gives up after 10 s; this one waits, so a replica that starts during a long
 * migration waits it out and then finds nothing to do.
 */
export const MIGRATION_LOCK_KEY = '5311248127466730019';
const NO_FILTERS = { externalTables: [], externalEnums: [] };
const RECORDS_SQL = 'SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations';

/**
 * Prisma migrations through the WebAssembly schema engine: `migrate deploy`, `status`, `resolve`,
 * `diff --exit-code` and `dev --create-only` without the native engine binary or network.
 */
export class Migrator {
  private readonly prismaDir: string;
  private client: pg.Client | undefined;

  private constructor(
    private readonly target: Target,
    options: MigratorOptions,
  ) {
    this.prismaDir = options.prismaDir ?? findPrismaDir();
  }

  static forPostgres(url: string, options: MigratorOptions = {}): Migrator {
    return new Migrator({ kind: 'postgres', url }, options);
  }

  /** The caller owns `pglite` and closes it after `close()`. */
  static forPglite(pglite: PGlite, options: MigratorOptions = {}): Migrator {
    return new Migrator({ kind: 'pglite', db: pglite }, options);
  }

  private get migrationsDir(): string {
    return path.join(this.prismaDir, 'migrations');
  }

  /** Applies pending migrations like `prisma migrate deploy`; returns the names applied. */
  async apply(): Promise<string[]> {
    return this.exclusively(async () => {
      const migrationsList = readMigrationsList(this.migrationsDir);
      const status = summarize(localMigrations(migrationsList), await this.readRecords());
      // Fast path for every start after the first: a plain query, no engine to instantiate.
      if (!status.pending.length && !status.failed.length && !status.edited.length) return [];
      return this.withEngine(this.targetFactory(), async (engine) => {
        try {
          const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: NO_FILTERS });
          return appliedMigrationNames;
        } catch (error) {
          throw migrationError(error);
        }
      });
    });
  }

  async status(): Promise<MigrationStatus> {
    const migrationsList = readMigrationsList(this.migrationsDir);
    return summarize(localMigrations(migrationsList), await this.readRecords());
  }

  /** Compares schema.prisma with the migrations folder (replayed on an in-memory PGlite). */
  async check(): Promise<DriftCheck> {
    const { exitCode, sql } = await this.diffMigrationsToSchema();
    return { inSync: exitCode === 0, missingSql: exitCode === 0 ? '' : sql };
  }

  /** Writes a migration for what schema.prisma adds; returns its folder, or null when in sync. */
  async createMigration(name: string): Promise<string | null> {
    const { exitCode, sql } = await this.diffMigrationsToSchema();
    return exitCode === 0 ? null : writeMigration(this.migrationsDir, name, sql);
  }

  /** Like `prisma migrate resolve --applied|--rolled-back <name>`, after a failed migration. */
  async resolve(name: string, as: 'applied' | 'rolled-back'): Promise<void> {
    await this.exclusively(() =>
      this.withEngine(this.targetFactory(), async (engine) => {
        if (as === 'rolled-back') {
          await engine.markMigrationRolledBack({ migrationName: name });
        } else {
          const migrationsList = readMigrationsList(this.migrationsDir);
          await engine.markMigrationApplied({ migrationName: name, migrationsList });
        }
      }),
    );
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.end();
  }

  private targetFactory(): MigrationAdapterFactory {
    return this.target.kind === 'postgres'
      ? postgresMigrationFactory(this.target.url)
      : pgliteMigrationFactory(this.target.db);
  }

  private async withEngine<T>(factory: MigrationAdapterFactory, run: (engine: SchemaEngine) => Promise<T>): Promise<T> {
    try {
      return await withSchemaEngine(factory, loadSchemaFiles(this.prismaDir), run);
    } finally {
      await factory.close();
    }
  }

  private async diffMigrationsToSchema(): Promise<{ exitCode: number; sql: string }> {
    const migrationsList = readMigrationsList(this.migrationsDir);
    // Before the first migration there is no lock file yet; the engine wants one to diff from.
    migrationsList.lockfile.content ??= MIGRATION_LOCK;
    const files = loadSchemaFiles(this.prismaDir);
    const scratch = await createPglite('memory://');
    try {
      return await this.withEngine(scratchPgliteMigrationFactory(scratch), async (engine) => {
        const { exitCode, stdout } = await engine.diff({
          from: { tag: 'migrations', ...migrationsList },
          to: { tag: 'schemaDatamodel', files },
          script: true,
          exitCode: true,
          filters: NO_FILTERS,
        });
        return { exitCode, sql: stdout ?? '' };
      });
    } finally {
      await scratch.close();
    }
  }

  // PostgreSQL: holds the advisory lock so replicas starting together apply each migration once.
  private async exclusively<T>(run: () => Promise<T>): Promise<T> {
    if (this.target.kind === 'pglite') return run();
    const client = await this.postgresClient(true);
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      return await run();
    } finally {
      // If the connection is gone, so is the lock: nothing to report over the original outcome.
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    }
  }

  private async readRecords(): Promise<MigrationRecord[]> {
    try {
      if (this.target.kind === 'pglite') return (await this.target.db.query<MigrationRecord>(RECORDS_SQL)).rows;
      return (await (await this.postgresClient(false)).query<MigrationRecord>(RECORDS_SQL)).rows;
    } catch (error) {
      if (errorCode(error) === '42P01') return []; // no _prisma_migrations yet: nothing applied
      throw error;
    }
  }

  private async postgresClient(createDatabase: boolean): Promise<pg.Client> {
    if (this.target.kind !== 'postgres') throw new Error('Not a PostgreSQL target');
    if (!this.client) {
      const { url } = this.target;
      const client = await connectPostgres(url).catch(async (error: unknown) => {
        if (!createDatabase || errorCode(error) !== '3D000') throw error;
        await createDatabaseOf(url);
        return connectPostgres(url);
      });
      // An idle connection the server drops must not crash the process; the next call reconnects.
      client.on('error', () => {
        if (this.client === client) this.client = undefined;
      });
      this.client = client;
    }
    return this.client;
  }
}

function summarize(local: LocalMigration[], records: MigrationRecord[]): MigrationStatus {
  // Rolled-back rows are history only, as for Prisma.
  const live = records.filter((record) => record.rolled_back_at === null);
  const status: MigrationStatus = { applied: [], pending: [], failed: [], edited: [] };
  for (const migration of local) {
    const finished = live.find((r) => r.migration_name === migration.name && r.finished_at !== null);
    if (finished) {
      status.applied.push(migration.name);
      if (finished.checksum !== migration.checksum) status.edited.push(migration.name);
    } else if (live.some((r) => r.migration_name === migration.name)) {
      status.failed.push(migration.name);
    } else {
      status.pending.push(migration.name);
    }
  }
  // A failed migration blocks `migrate deploy` even when its folder is gone.
  for (const record of live) {
    if (record.finished_at === null && !status.failed.includes(record.migration_name)) {
      status.failed.push(record.migration_name);
    }
  }
  return status;
}

async function connectPostgres(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}

async function createDatabaseOf(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const maintenanceUrl = new URL(url);
  maintenanceUrl.pathname = '/postgres';
  const admin = await connectPostgres(maintenanceUrl.toString());
  try {
    await admin.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
  } catch (error) {
    // Another replica created it first: 42P04, or 23505 when both inserted at once.
    if (!['42P04', '23505'].includes(errorCode(error) ?? '')) throw error;
  } finally {
    await admin.end();
  }
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

// The engine's message holds the database error, then a span trace ("   0: sql_schema_connector::
// ...") that names the migration. Keep the error, put the name first.
function migrationError(error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  const name = /migration_name="([^"]+)"/.exec(message)?.[1];
  const reason = message.split(/\n\s*0: /)[0].trim();
  return new Error(name ? `Migration ${name} failed: ${reason}` : `Migrations not applied: ${reason}`, { cause: error });
}
