/** Injection token of the control plane's clock. */
export const CONTROL_PLANE_CLOCK = Symbol('CONTROL_PLANE_CLOCK');

/** Wall-clock milliseconds; tests pass a fixed or steppable one. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
