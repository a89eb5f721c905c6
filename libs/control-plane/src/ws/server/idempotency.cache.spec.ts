import { describe, expect, it } from 'vitest';
import { IdempotencyCache, MethodOutcome } from './idempotency.cache';

function cache(maxEntries = 1000) {
  const clock = { time: 0, now: () => clock.time };
  return { clock, cache: new IdempotencyCache({ ttlMs: 5 * 60_000, maxEntries }, clock) };
}

const ok = (payload: unknown): MethodOutcome => ({ ok: true, payload });

describe('IdempotencyCache', () => {
  it('finds a key for five minutes, then forgets it', () => {
    const { cache: dedupe, clock } = cache();
    const entry = dedupe.start('send:k1');
    expect(dedupe.find('send:k1')).toBe(entry);
    clock.time += 5 * 60_000 - 1;
    expect(dedupe.find('send:k1')).toBe(entry);
    clock.time += 1;
    expect(dedupe.find('send:k1')).toBeUndefined();
  });

  it('holds at most maxEntries, evicting the oldest', () => {
    const { cache: dedupe } = cache(2);
    dedupe.start('a');
    dedupe.start('b');
    dedupe.start('c');
    expect(dedupe.size).toBe(2);
    expect(dedupe.find('a')).toBeUndefined();
    expect(dedupe.find('c')).toBeDefined();
  });

  it('replays to a late repeat both responses of a two-phase call, the last one as final', () => {
    const { cache: dedupe } = cache();
    const entry = dedupe.start('agent:k');
    entry.publish(ok({ status: 'accepted' }), false);
    entry.publish(ok({ status: 'ok' }), true);
    const seen: [unknown, boolean][] = [];
    entry.replay((response, final) => seen.push([response, final]));
    expect(seen).toEqual([
      [ok({ status: 'accepted' }), false],
      [ok({ status: 'ok' }), true],
    ]);
  });

  it('passes responses still to come to a repeat that arrived early', () => {
    const { cache: dedupe } = cache();
    const entry = dedupe.start('agent:k');
    const seen: unknown[] = [];
    entry.replay((response) => seen.push(response));
    entry.publish(ok(1), false);
    entry.publish(ok(2), true);
    expect(seen).toEqual([ok(1), ok(2)]);
  });

  it('forgets an entry only if it is still the one under that key', () => {
    const { cache: dedupe } = cache();
    const first = dedupe.start('k');
    dedupe.forget('k', first);
    const second = dedupe.start('k');
    dedupe.forget('k', first);
    expect(dedupe.find('k')).toBe(second);
  });
});
