import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { ConsoleQueriesRepository } from '@switchboard/persistence';
import type { PairingEvent } from '../contract/access.schemas';
import { pairingView } from './pairing-admin.service';

export const PAIRING_POLL_MS = 500;
// Rows are stamped before they commit: look back this far so a slow commit is not missed.
const LOOK_BACK_MS = 10_000;

type Listener = (event: PairingEvent) => void;

/**
 * New and resolved pairing requests for the open consoles. It reads the database every 500 ms
 * while at least one console listens: requests come from the inbound pipeline of any replica or
 * worker process, and they all share the database (no extra Redis channel needed).
 */
@Injectable()
export class PairingFeed implements OnModuleDestroy {
  private readonly logger = new Logger('PairingFeed');
  // Each listener with the function that ends its stream (called at shutdown).
  private readonly listeners = new Map<Listener, () => void>();
  // id → last status announced, for the look-back window.
  private readonly known = new Map<string, { status: string; at: number }>();
  private timer: NodeJS.Timeout | null = null;
  private since = new Date();
  private polling = false;

  constructor(private readonly queries: ConsoleQueriesRepository) {}

  /** Starts listening; the returned function stops. `end` closes the listener's stream at shutdown. */
  subscribe(listener: Listener, end: () => void): () => void {
    this.listeners.set(listener, end);
    if (!this.timer) {
      this.since = new Date(Date.now() - LOOK_BACK_MS);
      this.known.clear();
      // The first poll only learns what exists; consoles load the current list themselves.
      void this.poll(false);
      this.timer = setInterval(() => void this.poll(true), PAIRING_POLL_MS);
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  // Before the HTTP server closes: it would otherwise wait for the open streams.
  onModuleDestroy(): void {
    const ends = [...this.listeners.values()];
    this.listeners.clear();
    this.stop();
    for (const end of ends) end();
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async poll(announce: boolean): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    const started = Date.now();
    try {
      const changes = await this.queries.pairingChanges(this.since);
      for (const request of changes) {
        const previous = this.known.get(request.id);
        if (previous?.status === request.status) continue;
        this.known.set(request.id, { status: request.status, at: started });
        if (!announce) continue;
        if (request.status === 'pending') this.emit({ type: 'pairing.requested', request: pairingView(request) });
        else this.emit({ type: 'pairing.resolved', id: request.id, status: request.status === 'revoked' ? 'denied' : request.status });
      }
      this.since = new Date(started - LOOK_BACK_MS);
      for (const [id, entry] of this.known) if (entry.at < started - 2 * LOOK_BACK_MS) this.known.delete(id);
    } catch (error) {
      this.logger.warn(`pairing feed: ${(error as Error).message}`);
    } finally {
      this.polling = false;
    }
  }

  private emit(event: PairingEvent): void {
    for (const listener of this.listeners.keys()) listener(event);
  }
}
