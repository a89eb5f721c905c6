import { describe, expect, it } from 'vitest';
import { AuthFailureBackoff, DEFAULT_AUTH_BACKOFF } from './auth-failure.backoff';

function backoff(overrides = {}) {
  const clock = { time: 0, now: () => clock.time };
  return { clock, backoff: new AuthFailureBackoff({ ...DEFAULT_AUTH_BACKOFF, ...overrides }, clock) };
}

describe('AuthFailureBackoff', () => {
  it('answers the first bad token at once, then doubles the delay up to the cap', () => {
    const { backoff: limiter } = backoff();
    const delays = Array.from({ length: 8 }, () => limiter.recordFailure('10.0.0.1'));
    expect(delays).toEqual([0, 250, 500, 1000, 2000, 4000, 5000, 5000]);
  });

  it('keeps sources apart', () => {
    const { backoff: limiter } = backoff();
    limiter.recordFailure('10.0.0.1');
    limiter.recordFailure('10.0.0.1');
    expect(limiter.recordFailure('10.0.0.2')).toBe(0);
  });

  it('forgets a source after a quiet period and after a success', () => {
    const { backoff: limiter, clock } = backoff();
    limiter.recordFailure('a');
    limiter.recordFailure('a');
    clock.time += DEFAULT_AUTH_BACKOFF.forgetAfterMs + 1;
    expect(limiter.recordFailure('a')).toBe(0);
    limiter.recordFailure('a');
    limiter.recordSuccess('a');
    expect(limiter.recordFailure('a')).toBe(0);
  });

  it('tracks a bounded number of sources, forgetting the oldest', () => {
    const { backoff: limiter } = backoff({ maxSources: 2 });
    limiter.recordFailure('a');
    limiter.recordFailure('b');
    limiter.recordFailure('c');
    expect(limiter.recordFailure('a')).toBe(0);
    expect(limiter.recordFailure('c')).toBe(250);
  });
});
