import type { ReadinessProbe } from '@switchboard/core';

export const READINESS_PROBES = Symbol('READINESS_PROBES');

/** A provider of several probes decided at run time (one per configured channel, ...). */
export interface ReadinessProbeSet {
  list(): ReadinessProbe[];
}

export type ProbeSource = ReadinessProbe | ReadinessProbeSet;

export function expandProbes(sources: ProbeSource[]): ReadinessProbe[] {
  return sources.flatMap((source) => ('list' in source ? source.list() : [source]));
}
