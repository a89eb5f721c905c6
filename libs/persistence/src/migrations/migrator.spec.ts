import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPglite } from '../pglite';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { postgresMigrationFactory } from './migration-adapters';
import { findPrismaDir, loadSchemaFiles, readMigrationsList } from './migration-files';
import { MIGRATION_LOCK_KEY, Migrator } from './migrator';
import { withSchemaEngine } from './schema-engine';
import {
  createTempDir,
  createTestPostgresDatabase,
  reserveTestPostgresDatabase,
  type TempDir,
  type TestPostgresDatabase,
} from './testing-databases';

// Pass-through spy: tells whether a call needed the (slow to start) WebAssembly engine.
vi.mock('./schema-engine', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./schema-engine')>();
  return { ...actual, withSchemaEngine: vi.fn(actual.withSchemaEngine) };
});

const projectPrismaDir = findPrismaDir();
const projectMigrations = readdirSync(path.join(projectPrismaDir, 'migrations'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
const PROJECT_TABLES = ['AllowlistEntry', 'AuditEvent', 'Message', 'Operator', 'PairingRequest', 'QueueJob', 'Session'];
const BROKEN_MIGRATION = '29990101000000_broken';

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
}

let temp: TempDir;

beforeEach(() => {
  temp = createTempDir();
  vi.mocked(withSchemaEngine).mockClear();
});

afterEach(() => temp.remove());

/** A copy of the project's prisma/ folder that a test may change. */
function copyProjectPrisma(): string {
  const dir = path.join(temp.path, 'prisma');
  cpSync(projectPrismaDir, dir, { recursive: true });
  return dir;
}

function addMigration(prismaDir: string, name: string, sql: string): void {
  mkdirSync(path.join(prismaDir, 'migrations', name));
  writeFileSync(path.join(prismaDir, 'migrations', name, 'migration.sql'), sql);
}

function addNoteModel(prismaDir: string): void {
  const schemaPath = path.join(prismaDir, 'schema.prisma');
  writeFileSync(schemaPath, `${readFileSync(schemaPath, 'utf8')}\nmodel Note {\n  id   Int    @id\n  body String\n}\n`);
}

function checksumOf(prismaDir: string, name: string): string {
  return createHash('sha256').update(readFileSync(path.join(prismaDir, 'migrations', name, 'migration.sql'))).digest('hex');
}

// A broken statement after a good one: nothing of it may stay behind.
const BROKEN_SQL = 'CREATE TABLE "Half" ("id" INTEGER);\nCREATE TABLE "Broken" (;\n';

describe('Migrator on PostgreSQL', () => {
  let database: TestPostgresDatabase;
  let client: pg.Client;
  const migrators: Migrator[] = [];

  const migrator = (options = {}) => {
    const created = Migrator.forPostgres(database.url, options);
    migrators.push(created);
    return created;
  };
  const tables = async () =>
    (await client.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`))
      .rows.map((row) => row.table_name);
  const migrationRows = async () =>
    (await client.query<MigrationRow>('SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY 1')).rows;

  beforeEach(async () => {
    database = await createTestPostgresDatabase();
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });

  afterEach(async () => {
    await Promise.all(migrators.splice(0).map((m) => m.close()));
    await client.end();
    await database.drop();
  });

  it('creates the tables and records each migration with the sha256 of its migration.sql', async () => {
    expect(await migrator().apply()).toEqual(projectMigrations);

    expect(await tables()).toEqual(expect.arrayContaining([...PROJECT_TABLES, '_prisma_migrations']));
    const rows = await migrationRows();
    expect(rows.map((row) => [row.migration_name, row.checksum])).toEqual(
      projectMigrations.map((name) => [name, checksumOf(projectPrismaDir, name)]),
    );
    expect(rows.every((row) => row.finished_at !== null)).toBe(true);
  });

  it('applies nothing the second time, without starting the schema engine', async () => {
    await migrator().apply();
    vi.mocked(withSchemaEngine).mockClear();

    expect(await migrator().apply()).toEqual([]);
    expect(withSchemaEngine).not.toHaveBeenCalled();
    expect(await migrationRows()).toHaveLength(projectMigrations.length);
  });

  it('lets two replicas start together: both succeed and each migration is recorded once', async () => {
    const results = await Promise.all([migrator().apply(), migrator().apply()]);

    expect(results.flat().sort()).toEqual(projectMigrations);
    expect((await migrationRows()).map((row) => row.migration_name)).toEqual(projectMigrations);
  });

  it('waits while another replica holds the migration lock, then applies', async () => {
    const otherReplica = new pg.Client({ connectionString: database.url });
    await otherReplica.connect();
    await otherReplica.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applying = migrator().apply();
    try {
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await tables()).toEqual([]);
    } finally {
      await otherReplica.end(); // its session ends, the lock goes with it
    }
    expect(await applying).toEqual(projectMigrations);
  });

  it('creates the database when it does not exist yet', async () => {
    const missing = reserveTestPostgresDatabase();
    const fresh = Migrator.forPostgres(missing.url);
    try {
      expect(await fresh.apply()).toEqual(projectMigrations);
    } finally {
      await fresh.close();
      await missing.drop();
    }
  });

  it('lists migrations as pending before apply and applied after', async () => {
    expect(await migrator().status()).toEqual({ applied: [], pending: projectMigrations, failed: [], edited: [] });
    await migrator().apply();
    expect(await migrator().status()).toEqual({ applied: projectMigrations, pending: [], failed: [], edited: [] });
  });

  it('flags a migration whose migration.sql changed after it was applied, and applies nothing for it', async () => {
    const prismaDir = copyProjectPrisma();
    await migrator({ prismaDir }).apply();
    const sqlPath = path.join(prismaDir, 'migrations', projectMigrations[0], 'migration.sql');
    writeFileSync(sqlPath, `${readFileSync(sqlPath, 'utf8')}\n-- edited\n`);

    expect((await migrator({ prismaDir }).status()).edited).toEqual([projectMigrations[0]]);
    expect(await migrator({ prismaDir }).apply()).toEqual([]);
  });

  it('reports a broken migration by name, keeps none of it, and applies its fix once resolved as rolled back', async () => {
    const prismaDir = copyProjectPrisma();
    addMigration(prismaDir, BROKEN_MIGRATION, BROKEN_SQL);

    await expect(migrator({ prismaDir }).apply()).rejects.toThrow(
      new RegExp(`Migration ${BROKEN_MIGRATION} failed: .*syntax error at or near ";"`, 's'),
    );
    expect(await tables()).not.toContain('Half');
    expect((await migrator({ prismaDir }).status()).failed).toEqual([BROKEN_MIGRATION]);
    // Like `migrate deploy`, nothing more is applied until someone resolves the failure.
    await expect(migrator({ prismaDir }).apply()).rejects.toThrow(BROKEN_MIGRATION);

    const fixedSql = 'CREATE TABLE "Fixed" ("id" INTEGER);\n';
    writeFileSync(path.join(prismaDir, 'migrations', BROKEN_MIGRATION, 'migration.sql'), fixedSql);
    await migrator({ prismaDir }).resolve(BROKEN_MIGRATION, 'rolled-back');
    expect(await migrator({ prismaDir }).apply()).toEqual([BROKEN_MIGRATION]);
    expect(await tables()).toContain('Fixed');
  });

  // Migrator itself needs no PostgreSQL shadow database; `migrate dev`'s drift diagnostic does: it
  // replays the migrations on a shadow database and describes it through the catalogs.
  it('gives the engine a temporary shadow database of its own and drops it after', async () => {
    await migrator().apply();
    const factory = postgresMigrationFactory(database.url);
    try {
      const diagnostic = await withSchemaEngine(factory, loadSchemaFiles(projectPrismaDir), (engine) =>
        engine.devDiagnostic({
          migrationsList: readMigrationsList(path.join(projectPrismaDir, 'migrations')),
          filters: { externalTables: [], externalEnums: [] },
        }),
      );
      // No drift between the database and its replay: a new migration could be created.
      expect(diagnostic).toEqual({ action: { tag: 'createMigration' } });
    } finally {
      await factory.close();
    }
    const { rows } = await client.query(`SELECT datname FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow_db_%'`);
    expect(rows).toEqual([]);
  });

  it('runs a migration with $$ bodies and semicolons inside literals as one script', async () => {
    const prismaDir = copyProjectPrisma();
    addMigration(
      prismaDir,
      '29990101000000_function',
      `CREATE FUNCTION "touch"() RETURNS trigger AS $$\nBEGIN NEW."updatedAt" := now(); RETURN NEW; END;\n$$ LANGUAGE plpgsql;\n` +
        `COMMENT ON FUNCTION "touch"() IS 'sets "updatedAt"; used by triggers';\n`,
    );

    expect(await migrator({ prismaDir }).apply()).toContain('29990101000000_function');
  });
});

describe('Migrator on PGlite', () => {
  let db: PGlite;

  beforeEach(async () => {
    db = await createPglite(path.join(temp.path, 'pglite'));
  });

  afterEach(async () => {
    await db.close();
  });

  it('creates the tables, records the checksums and applies nothing the second time', async () => {
    const migrator = Migrator.forPglite(db);
    expect(await migrator.apply()).toEqual(projectMigrations);
    vi.mocked(withSchemaEngine).mockClear();
    expect(await migrator.apply()).toEqual([]);
    expect(withSchemaEngine).not.toHaveBeenCalled();
    await migrator.close();

    const { rows } = await db.query<MigrationRow>('SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY 1');
    expect(rows.map((row) => [row.migration_name, row.checksum])).toEqual(
      projectMigrations.map((name) => [name, checksumOf(projectPrismaDir, name)]),
    );
    const { rows: tables } = await db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`,
    );
    expect(tables.map((row) => row.table_name)).toEqual(expect.arrayContaining([...PROJECT_TABLES, '_prisma_migrations']));
  });

  it('reports a migration with an SQL error as failed, not applied', async () => {
    const prismaDir = copyProjectPrisma();
    addMigration(prismaDir, BROKEN_MIGRATION, BROKEN_SQL);
    const migrator = Migrator.forPglite(db, { prismaDir });

    await expect(migrator.apply()).rejects.toThrow(
      new RegExp(`Migration ${BROKEN_MIGRATION} failed: .*syntax error at or near ";"`, 's'),
    );

    expect(await migrator.status()).toEqual({
      applied: projectMigrations,
      pending: [],
      failed: [BROKEN_MIGRATION],
      edited: [],
    });
    const { rows } = await db.query<MigrationRow>(
      `SELECT migration_name, checksum, finished_at FROM _prisma_migrations WHERE migration_name = '${BROKEN_MIGRATION}'`,
    );
    expect(rows).toEqual([expect.objectContaining({ finished_at: null })]);
    const { rows: half } = await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'Half'`);
    expect(half).toEqual([]);

    // An operator who fixed the database by hand marks it applied; start-up then goes on.
    await migrator.resolve(BROKEN_MIGRATION, 'applied');
    expect(await migrator.status()).toMatchObject({ applied: [...projectMigrations, BROKEN_MIGRATION], failed: [] });
    expect(await migrator.apply()).toEqual([]);
  });
});

// Each check replays every migration into an in-memory PGlite (a test here does that up to three
// times): on a loaded host that has taken over the default 30 s.
describe('Migrator drift check and new migrations (in-memory shadow, no server)', { timeout: 120_000 }, () => {
  // Never contacted: check and createMigration only use an in-memory PGlite.
  const unreachable = 'postgres://nobody@127.0.0.1:9/none';

  it('finds schema.prisma and prisma/migrations in sync for the project', async () => {
    expect(await Migrator.forPostgres(unreachable).check()).toEqual({ inSync: true, missingSql: '' });
  });

  it('fails when schema.prisma gains a model that no migration creates', async () => {
    const prismaDir = copyProjectPrisma();
    addNoteModel(prismaDir);

    const result = await Migrator.forPostgres(unreachable, { prismaDir }).check();

    expect(result.inSync).toBe(false);
    expect(result.missingSql).toContain('CREATE TABLE "Note"');
  });

  it('writes the missing migration, after which the folder is in sync and nothing more is created', async () => {
    const prismaDir = copyProjectPrisma();
    addNoteModel(prismaDir);
    const migrator = Migrator.forPostgres(unreachable, { prismaDir });

    const dir = await migrator.createMigration('Add notes!');

    expect(path.basename(dir ?? '')).toMatch(/^\d{14}_add_notes$/);
    expect(readFileSync(path.join(dir ?? '', 'migration.sql'), 'utf8')).toContain('CREATE TABLE "Note"');
    expect(await migrator.check()).toEqual({ inSync: true, missingSql: '' });
    expect(await migrator.createMigration('again')).toBeNull();
  });

  it('creates the first migration and its migration_lock.toml in an empty folder', async () => {
    const prismaDir = copyProjectPrisma();
    rmSync(path.join(prismaDir, 'migrations'), { recursive: true });

    const dir = await Migrator.forPostgres(unreachable, { prismaDir }).createMigration('init');

    expect(path.basename(dir ?? '')).toMatch(/^\d{14}_init$/);
    expect(readFileSync(path.join(dir ?? '', 'migration.sql'), 'utf8')).toContain('CREATE TABLE "Session"');
    expect(readFileSync(path.join(prismaDir, 'migrations', 'migration_lock.toml'), 'utf8')).toContain(
      'provider = "postgresql"',
    );
  });

  it('finds the prisma folder from the compiled output too', () => {
    const root = path.dirname(projectPrismaDir);
    expect(findPrismaDir(path.join(root, 'dist', 'libs', 'persistence', 'src', 'migrations'))).toBe(projectPrismaDir);
  });
});
