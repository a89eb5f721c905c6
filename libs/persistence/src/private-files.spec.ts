import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataDirLock } from './data-dir.lock';
import { ensurePrivateDir, readOrCreateSecretFile, writePrivateFile } from './private-files';

const mode = (file: string) => fs.statSync(file).mode & 0o777;

describe('private files', () => {
  let root: string;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-private-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('creates directories 0700, parents included, and narrows an existing one', () => {
    const dir = path.join(root, 'a', 'b');
    ensurePrivateDir(dir);
    expect(mode(dir)).toBe(0o700);
    expect(mode(path.join(root, 'a'))).toBe(0o700);

    const open = path.join(root, 'open');
    fs.mkdirSync(open, { mode: 0o755 });
    ensurePrivateDir(open);
    expect(mode(open)).toBe(0o700);
  });

  it('creates the data directory 0700 when the database lock is taken', () => {
    const dataDir = path.join(root, 'data');
    DataDirLock.acquire(dataDir).release();
    expect(mode(dataDir)).toBe(0o700);
  });

  it('writes a file 0600 and replaces one that had another mode', () => {
    const file = path.join(root, 'data', 'gateway.json');
    writePrivateFile(file, 'first');
    expect(mode(file)).toBe(0o600);

    fs.chmodSync(file, 0o644);
    writePrivateFile(file, 'second');
    expect(fs.readFileSync(file, 'utf8')).toBe('second');
    expect(mode(file)).toBe(0o600);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['gateway.json']);
  });

  it('makes a secret once and reads it back afterwards', () => {
    const file = path.join(root, 'secret.key');
    const secret = readOrCreateSecretFile(file);
    expect(secret).toMatch(/^[\w-]{43}$/);
    expect(readOrCreateSecretFile(file)).toBe(secret);
    expect(mode(file)).toBe(0o600);
  });
});
