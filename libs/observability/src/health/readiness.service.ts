import { Inject, Injectable } from '@nestjs/common';
import type { ReadinessProbe } from '@switchboard/core';
import { ProbeSource, READINESS_PROBES, expandProbes } from './readiness-probes.token';

const PROBE_TIMEOUT_MS = 2_000;

/** One probe's answer: its details when the part works, the reason when it does not. */
export interface ProbeResult {
  name: string;
  ok: boolean;
  details: Record<string, unknown>;
  error?: string;
}

/** Runs the readiness probes (database, queue, channels), each bounded in time: for /ready and the control plane. */
@Injectable()
export class ReadinessService {
  constructor(@Inject(READINESS_PROBES) private readonly sources: ProbeSource[]) {}

  probes(): ReadinessProbe[] {
    return expandProbes(this.sources);
  }

  /** Every probe at once. */
  checkAll(): Promise<ProbeResult[]> {
    return Promise.all(this.probes().map((probe) => this.run(probe)));
  }

  async run(probe: ReadinessProbe): Promise<ProbeResult> {
    try {
      return { name: probe.name, ok: true, details: await withTimeout(probe.check(), PROBE_TIMEOUT_MS, probe.name) };
    } catch (error) {
      return { name: probe.name, ok: false, details: {}, error: error instanceof Error ? error.message : String(error) };
    }
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
