import { Injectable } from '@nestjs/common';
import { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { InjectConfig, SwitchboardConfig } from '@switchboard/config';
import { RateLimitStore } from './rate-limit-store';

export interface RateLimitResult {
  allowed: boolean;
  /** When refused: how long until the user may write again. 0 when allowed. */
  retryAfterMs: number;
  /** True only for the first refusal of a window: tell the user once, then stay quiet. */
  notify: boolean;
}

interface Window {
  points: number;
  limiter: RateLimiterAbstract;
}

/**
 * Messages per user (platform:userId) per minute and per hour, counted in the RateLimitStore
 * (Redis when configured). A limit of 0 turns that window off.
 */
@Injectable()
export class UserRateLimiter {
  private readonly minute?: Window;
  private readonly hour?: Window;

  constructor(@InjectConfig() config: SwitchboardConfig, store: RateLimitStore) {
    const { rateLimitPerMinute, rateLimitPerHour } = config.security;
    this.minute = rateLimitPerMinute > 0 ? { points: rateLimitPerMinute, limiter: store.counter('minute', rateLimitPerMinute, 60) } : undefined;
    this.hour = rateLimitPerHour > 0 ? { points: rateLimitPerHour, limiter: store.counter('hour', rateLimitPerHour, 3_600) } : undefined;
  }

  async consume(platform: string, userId: string): Promise<RateLimitResult> {
    const key = `${platform}:${userId}`;
    if (this.minute) {
      const minute = await take(this.minute, key);
      if (!minute.allowed) {
        // A user already refused by the hour window was told so; hitting the minute limit again says nothing new.
        const hourWaitMs = this.hour ? await refusedFor(this.hour, key) : 0;
        return {
          allowed: false,
          retryAfterMs: Math.max(minute.retryAfterMs, hourWaitMs),
          notify: minute.notify && hourWaitMs === 0,
        };
      }
    }
    return this.hour ? take(this.hour, key) : { allowed: true, retryAfterMs: 0, notify: false };
  }
}

async function take(window: Window, key: string): Promise<RateLimitResult> {
  try {
    await window.limiter.consume(key);
    return { allowed: true, retryAfterMs: 0, notify: false };
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    // Refused attempts keep counting, so exactly one of them is the first past the limit.
    return { allowed: false, retryAfterMs: rejection.msBeforeNext, notify: rejection.consumedPoints === window.points + 1 };
  }
}

/** How much longer the window refuses the key; 0 when it does not. */
async function refusedFor(window: Window, key: string): Promise<number> {
  const state = await window.limiter.get(key);
  return state && state.consumedPoints > window.points ? state.msBeforeNext : 0;
}
