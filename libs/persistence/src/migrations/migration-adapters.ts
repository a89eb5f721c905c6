import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { createPglite } from '../pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
} from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';

/** A driver adapter factory for the schema engine that can close everything it opened. */
export interface MigrationAdapterFactory extends SqlMigrationAwareDriverAdapterFactory {
  close(): Promise<void>;
}

// Catalog column types the engine reads while describing a database ("char" in pg_class.relkind,
// pg_constraint.contype, ...) that adapter-pg 7.10 refuses with UnsupportedNativeDataType.
// node-postgres already returns their values as strings, so reporting them as text is exact.
// "char", int2vector, regproc, tid, xid, cid, oidvector, pg_node_tree, aclitem, regclass,
// regtype, pg_lsn, regnamespace.
const CATALOG_TEXT_LIKE_OIDS = new Set([18, 22, 24, 27, 28, 29, 30, 194, 1033, 2205, 2206, 3220, 4089]);
const TEXT_OID = 25;

/**
 * PostgreSQL through @prisma/adapter-pg, with the fixes the schema engine needs (adapter-pg 7.10.1).
 * The shadow database, when the engine asks for one, is a temporary database on the same server.
 */
export function postgresMigrationFactory(url: string): MigrationAdapterFactory {
  const opened: SqlDriverAdapter[] = [];
  const open = async (connectionString: string) =>
    withPostgresFixes(await new PrismaPg({ connectionString }).connect());

  return {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    connect: async () => track(opened, await open(url)),
    // Not PrismaPg#connectToShadowDb: given a connection string it creates the temporary database,
    // then connects to the main one anyway (node-postgres lets connectionString override
    // `database`). We build the shadow URL ourselves.
    async connectToShadowDb() {
      const name = `prisma_migrate_shadow_db_${randomUUID().replaceAll('-', '')}`;
      await runOnServer(url, `CREATE DATABASE "${name}"`);
      const shadowUrl = new URL(url);
      shadowUrl.pathname = `/${name}`;
      const shadow = await open(shadowUrl.toString());
      const endPool = shadow.dispose.bind(shadow);
      shadow.dispose = async () => {
        await endPool();
        await runOnServer(url, `DROP DATABASE IF EXISTS "${name}"`);
      };
      return track(opened, shadow);
    },
    close: () => disposeAll(opened),
  };
}

/**
 * Embedded PostgreSQL (PGlite) through pglite-prisma-adapter. The caller owns `db`; a shadow
 * database is a throwaway in-memory PGlite.
 */
export function pgliteMigrationFactory(db: PGlite): MigrationAdapterFactory {
  const opened: SqlDriverAdapter[] = [];
  return {
    provider: 'postgres',
    adapterName: 'pglite-prisma-adapter',
    connect: async () => track(opened, await connectPglite(db)),
    async connectToShadowDb() {
      const shadowDb = await createPglite('memory://');
      const shadow = await connectPglite(shadowDb);
      shadow.dispose = () => shadowDb.close();
      return track(opened, shadow);
    },
    close: () => disposeAll(opened),
  };
}

/**
 * For diffs (drift check, new migration) the engine only replays the migrations folder on a
 * shadow database: one fresh in-memory PGlite serves as both main and shadow. Caller closes `db`.
 */
export function scratchPgliteMigrationFactory(db: PGlite): MigrationAdapterFactory {
  return { ...pgliteMigrationFactory(db), connectToShadowDb: () => connectPglite(db) };
}

function withPostgresFixes(adapter: SqlDriverAdapter): SqlDriverAdapter {
  // adapter-pg's executeScript splits the script on every ';' (breaking $$ bodies and string
  // literals). A query without parameters goes over the simple protocol, so the whole script runs
  // as one statement batch (one implicit transaction), as with the native engine.
  adapter.executeScript = async (script) => {
    await adapter.executeRaw({ sql: script, args: [], argTypes: [] });
  };

  // performIO is private in adapter-pg's typings, but every result passes through it before the
  // column types are checked: the one place to relabel catalog types.
  const io = adapter as unknown as { performIO(query: SqlQuery): Promise<{ fields?: { dataTypeID: number }[] }> };
  const performIO = io.performIO.bind(adapter);
  io.performIO = async (query) => {
    const result = await performIO(query);
    for (const field of result.fields ?? []) {
      if (CATALOG_TEXT_LIKE_OIDS.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
    }
    return result;
  };
  return adapter;
}

async function connectPglite(db: PGlite): Promise<SqlDriverAdapter> {
  const adapter = await new PrismaPGlite(db).connect();
  // pglite-prisma-adapter 0.7.2 does not await PGlite#exec, so a failing migration would be
  // recorded as applied. Await it and pass the database error on as the adapter would.
  adapter.executeScript = async (script) => {
    try {
      await db.exec(script);
    } catch (error) {
      throw toDriverAdapterError(error);
    }
  };
  return adapter;
}

function toDriverAdapterError(error: unknown): unknown {
  if (!(error instanceof Error) || !('code' in error) || !('severity' in error)) return error;
  const pgError = error as Error & { code: string; severity: string; detail?: string; column?: string; hint?: string };
  return new DriverAdapterError({
    kind: 'postgres',
    code: pgError.code,
    severity: pgError.severity,
    message: pgError.message,
    detail: pgError.detail,
    column: pgError.column,
    hint: pgError.hint,
  });
}

// Whether or not the engine disposed an adapter itself, close() leaves each one disposed, once.
function track(opened: SqlDriverAdapter[], adapter: SqlDriverAdapter): SqlDriverAdapter {
  const dispose = adapter.dispose.bind(adapter);
  let disposed: Promise<void> | undefined;
  adapter.dispose = () => (disposed ??= dispose());
  opened.push(adapter);
  return adapter;
}

async function disposeAll(opened: SqlDriverAdapter[]): Promise<void> {
  await Promise.all(opened.splice(0).map((adapter) => adapter.dispose()));
}

async function runOnServer(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
