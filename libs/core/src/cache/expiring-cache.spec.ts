import { describe, expect, it } from 'vitest';
import { ExpiringCache } from './expiring-cache';

function counting<V>(value: V) {
  const loads: string[] = [];
  return { loads, load: async (key: string) => (loads.push(key), value) };
}

describe('ExpiringCache', () => {
  it('reads once per key until the entry expires', async () => {
    let now = 1_000;
    const cache = new ExpiringCache<string>({ ttlMs: 100, maxEntries: 10 }, () => now);
    const { loads, load } = counting('v');
    await cache.get('a', load);
    await cache.get('a', load);
    now += 100;
    await cache.get('a', load);
    expect(loads).toEqual(['a', 'a']);
  });

  it('keeps only what `keep` accepts', async () => {
    const cache = new ExpiringCache<string | null>({ ttlMs: 1_000, maxEntries: 10 });
    const { loads, load } = counting<string | null>(null);
    await cache.get('stranger', load, (value) => value !== null);
    await cache.get('stranger', load, (value) => value !== null);
    expect(loads).toEqual(['stranger', 'stranger']);
  });

  it('reads again after an invalidation, and drops a load the invalidation overtook', async () => {
    const cache = new ExpiringCache<string>({ ttlMs: 1_000, maxEntries: 10 });
    let release!: () => void;
    const slow = cache.get('a', () => new Promise<string>((resolve) => (release = () => resolve('old'))));
    cache.invalidate('a');
    release();
    expect(await slow).toBe('old');
    expect(await cache.get('a', async () => 'new')).toBe('new');
    cache.clear();
    expect(await cache.get('a', async () => 'newer')).toBe('newer');
  });

  it('drops the oldest entry past its size', async () => {
    const cache = new ExpiringCache<string>({ ttlMs: 1_000, maxEntries: 2 });
    const { loads, load } = counting('v');
    for (const key of ['a', 'b', 'c', 'a']) await cache.get(key, load);
    expect(loads).toEqual(['a', 'b', 'c', 'a']);
  });
});
