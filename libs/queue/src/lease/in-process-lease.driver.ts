import type { Lease, LeaseDriver } from './lease-driver';

/** Embedded mode: one process, so a lease is free unless this process already holds it. */
export class InProcessLeaseDriver implements LeaseDriver {
  readonly kind = 'in-process';
  private readonly held = new Map<string, AbortController>();

  async tryAcquire(name: string): Promise<Lease | undefined> {
    if (this.held.has(name)) return undefined;
    const controller = new AbortController();
    this.held.set(name, controller);
    return {
      name,
      lost: controller.signal,
      release: async () => {
        if (this.held.get(name) !== controller) return;
        this.held.delete(name);
        controller.abort(new Error(`lease ${name} released`));
      },
    };
  }

  async close(): Promise<void> {
    for (const [name, controller] of this.held) controller.abort(new Error(`lease ${name} released`));
    this.held.clear();
  }
}
