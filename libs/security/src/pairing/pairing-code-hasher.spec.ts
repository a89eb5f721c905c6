import { createHash, createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '@switchboard/config';
import { PAIRING_CODE_KEY_FILE, PairingCodeHasher } from './pairing-code-hasher';

const mode = (file: string) => fs.statSync(file).mode & 0o777;

describe('PairingCodeHasher', () => {
  const dirs: string[] = [];
  const dataDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-pairing-key-'));
    dirs.push(dir);
    return path.join(dir, 'data');
  };
  const hasher = (settings: Record<string, unknown>) => new PairingCodeHasher(configSchema.parse(settings));
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stores a code as HMAC-SHA256 under PAIRING_CODE_SECRET, not as its plain SHA-256', () => {
    const secret = 'k'.repeat(40);
    const hash = hasher({ security: { pairingCodeSecret: secret } }).hash('ABCD2345');
    expect(hash).toBe(createHmac('sha256', secret).update('ABCD2345').digest('hex'));
    expect(hash).not.toBe(createHash('sha256').update('ABCD2345').digest('hex'));
    expect(hasher({ security: { pairingCodeSecret: 'l'.repeat(40) } }).hash('ABCD2345')).not.toBe(hash);
  });

  it('without a configured secret, makes a key once in the data directory (0600 in a 0700 directory) and keeps using it', () => {
    const dir = dataDir();
    const first = hasher({ database: { dataDir: dir } });
    const file = path.join(dir, PAIRING_CODE_KEY_FILE);
    expect(mode(file)).toBe(0o600);
    expect(mode(dir)).toBe(0o700);
    expect(fs.readFileSync(file, 'utf8')).toMatch(/^[\w-]{43}$/);
    expect(hasher({ database: { dataDir: dir } }).hash('ABCD2345')).toBe(first.hash('ABCD2345'));

    // Another gateway's data directory has another key.
    expect(hasher({ database: { dataDir: dataDir() } }).hash('ABCD2345')).not.toBe(first.hash('ABCD2345'));
  });

  it('narrows a key file that others could read to 0600', () => {
    const dir = dataDir();
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, PAIRING_CODE_KEY_FILE);
    fs.writeFileSync(file, 'x'.repeat(43), { mode: 0o644 });
    const hash = hasher({ database: { dataDir: dir } }).hash('ABCD2345');
    expect(hash).toBe(createHmac('sha256', 'x'.repeat(43)).update('ABCD2345').digest('hex'));
    expect(mode(file)).toBe(0o600);
  });

  it('refuses a key file that holds no key', () => {
    const dir = dataDir();
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, PAIRING_CODE_KEY_FILE), '\n');
    expect(() => hasher({ database: { dataDir: dir } })).toThrow('holds no secret');
  });
});
