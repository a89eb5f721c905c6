import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateApiKey, hashApiKey, isWellFormedApiKey } from './api-key-secret';

describe('API key secrets', () => {
  it('generates "sb-" and 32 random bytes in base64url, with its SHA-256 and a 10-character prefix', () => {
    const { key, keyHash, prefix } = generateApiKey();

    expect(key).toMatch(/^sb-[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice(3), 'base64url')).toHaveLength(32);
    expect(keyHash).toBe(createHash('sha256').update(key).digest('hex'));
    expect(prefix).toBe(key.slice(0, 10));
  });

  it('never generates the same key twice', () => {
    const keys = new Set(Array.from({ length: 100 }, () => generateApiKey().key));
    expect(keys.size).toBe(100);
  });

  it('recognises only well-formed keys', () => {
    const { key } = generateApiKey();
    expect(isWellFormedApiKey(key)).toBe(true);
    expect(isWellFormedApiKey(key.slice(0, -1))).toBe(false);
    expect(isWellFormedApiKey(`${key}x`)).toBe(false);
    expect(isWellFormedApiKey(`sk-${key.slice(3)}`)).toBe(false);
    expect(isWellFormedApiKey(`${key.slice(0, -1)}+`)).toBe(false);
    expect(isWellFormedApiKey('')).toBe(false);
  });

  it('hashes the same key to the same hex digest', () => {
    expect(hashApiKey('sb-x')).toBe(hashApiKey('sb-x'));
    expect(hashApiKey('sb-x')).toMatch(/^[0-9a-f]{64}$/);
  });
});
