import { createHash, randomBytes } from 'node:crypto';

const KEY_PREFIX = 'sb-';
const KEY_BYTES = 32;
/** How many of the key's first characters are stored in clear, to tell keys apart in listings. */
const SHOWN_PREFIX_LENGTH = 10;
// "sb-" and 32 bytes in base64url (43 characters, no padding).
const KEY_PATTERN = /^sb-[A-Za-z0-9_-]{43}$/;

export interface GeneratedApiKey {
  /** The key itself: shown to the operator once, never stored. */
  key: string;
  keyHash: string;
  prefix: string;
}

export function generateApiKey(): GeneratedApiKey {
  const key = `${KEY_PREFIX}${randomBytes(KEY_BYTES).toString('base64url')}`;
  return { key, keyHash: hashApiKey(key), prefix: key.slice(0, SHOWN_PREFIX_LENGTH) };
}

/** What the database keeps instead of the key: SHA-256 in hex (the key has 256 random bits, no salt needed). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Whether a presented bearer token can be one of our keys at all (no database lookup otherwise). */
export function isWellFormedApiKey(candidate: string): boolean {
  return KEY_PATTERN.test(candidate);
}
