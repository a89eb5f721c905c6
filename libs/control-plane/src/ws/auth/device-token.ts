import { createHash, timingSafeEqual } from 'node:crypto';

/** Source of random bytes; injectable so tests can pin nonces and tokens. */
export type RandomBytes = (size: number) => Buffer;

/** A fresh per-device token: 32 random bytes, base64url. Only its hash is stored. */
export function issueDeviceToken(random: RandomBytes): string {
  return random(32).toString('base64url');
}

/** What a DeviceStore keeps instead of the token: hex SHA-256. */
export function hashDeviceToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time comparison of two secrets of any length (compares their digests). */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}
