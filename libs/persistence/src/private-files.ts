import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const PRIVATE_DIR = 0o700;
const PRIVATE_FILE = 0o600;

/**
 * Creates a directory (and missing parents) readable by the owner only, and narrows an existing
 * one to that: the data directory holds the database, secrets and the local admin token.
 */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  try {
    fs.chmodSync(dir, PRIVATE_DIR);
  } catch (error) {
    // A directory another user owns (a mounted volume) keeps the mode its owner gave it.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
  }
}

/**
 * Writes a file readable by the owner only, whatever mode an older file of that name had: the
 * content goes to a fresh 0600 file that then replaces it, so no reader sees it half written.
 */
export function writePrivateFile(file: string, content: string): void {
  ensurePrivateDir(path.dirname(file));
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, content, { mode: PRIVATE_FILE });
  // `mode` applies to a new file only (a leftover temporary one keeps its own).
  fs.chmodSync(temporary, PRIVATE_FILE);
  fs.renameSync(temporary, file);
}

/**
 * The secret kept in `file`, created with 32 random bytes (base64url) on first use; an existing
 * file readable by others is narrowed to 0600. Throws when the file exists but holds no secret.
 */
export function readOrCreateSecretFile(file: string): string {
  ensurePrivateDir(path.dirname(file));
  try {
    // `wx`: two processes starting together keep the one secret written first.
    fs.writeFileSync(file, randomBytes(32).toString('base64url'), { mode: PRIVATE_FILE, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    fs.chmodSync(file, PRIVATE_FILE);
  }
  const secret = fs.readFileSync(file, 'utf8').trim();
  if (secret.length < 32) throw new Error(`${file} holds no secret (expected at least 32 characters); delete it to have a new one made`);
  return secret;
}
