import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

// The test server (trust auth). Each test gets its own database on it.
const SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestPostgresDatabase {
  name: string;
  url: string;
  /** Drops the database, closing any connection still open on it. */
  drop(): Promise<void>;
}

/** A random database name on the test server, not created yet (for code that creates it). */
export function reserveTestPostgresDatabase(): TestPostgresDatabase {
  const name = `switchboard_test_${randomBytes(6).toString('hex')}`;
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => onServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

/** A fresh, empty database with a random name on the test server. */
export async function createTestPostgresDatabase(): Promise<TestPostgresDatabase> {
  const database = reserveTestPostgresDatabase();
  await onServer(`CREATE DATABASE "${database.name}"`);
  return database;
}

export interface TempDir {
  path: string;
  remove(): void;
}

export function createTempDir(prefix = 'switchboard-test-'): TempDir {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { path: dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

async function onServer(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
