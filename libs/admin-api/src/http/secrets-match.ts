import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares two secrets in constant time (over their hashes, so lengths may differ). */
export function secretsMatch(a: string, b: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(a), digest(b));
}
