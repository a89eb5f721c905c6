import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff';

describe('Backoff', () => {
  it('doubles from 1 s up to 30 s at the top of its jitter, and from half of that at the bottom', () => {
    const top = new Backoff(1_000, 30_000, () => 1);
    const bottom = new Backoff(1_000, 30_000, () => 0);

    expect(Array.from({ length: 7 }, () => top.next())).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    expect(Array.from({ length: 3 }, () => bottom.next())).toEqual([500, 1_000, 2_000]);
  });

  it('starts over after reset', () => {
    const backoff = new Backoff(1_000, 30_000, () => 1);
    backoff.next();
    backoff.next();
    backoff.reset();

    expect(backoff.next()).toBe(1_000);
  });
});
