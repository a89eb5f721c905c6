/** Injection token of the clock the security use cases read; tests provide a fixed one. */
export const CLOCK = Symbol('SECURITY_CLOCK');

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
