/**
 * Delay before the next try after `failures` failures in a row (from 1): `firstMs` doubling up to
 * `maxMs`, each drawn between half and all of that, so that things failing together (jobs,
 * replicas) do not all try again at the same moment.
 */
export function backoffDelayMs(failures: number, firstMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, firstMs * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling * (0.5 + random() * 0.5));
}
