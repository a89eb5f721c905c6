import { PGlite, type PGliteOptions } from '@electric-sql/pglite';

/**
 * Opens PGlite with the extensions the migrations create (pg_trgm: the console's text search
 * indexes). Every PGlite that migrations run on goes through here, the shadow and scratch
 * databases of the schema engine included, or `CREATE EXTENSION` fails there.
 */
export async function createPglite(dataDir: string, options: Omit<PGliteOptions, 'extensions'> = {}): Promise<PGlite> {
  // The package types its contrib/* entries for ES modules only; the extension is a plain object.
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  return PGlite.create(dataDir, { ...options, extensions: { pg_trgm } });
}
