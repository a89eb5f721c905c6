import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectConfig, SwitchboardConfig } from '@switchboard/config';
import { SwitchboardMetrics } from '@switchboard/observability';
import { MessageRepository } from '@switchboard/persistence';

const REFRESH_MS = 1_000;
/** How far the metric counts when there is no bound. */
const UNBOUNDED_COUNT_LIMIT = 100_000;

/**
 * How many accepted messages wait for an answer, counted once a second (not per webhook) and
 * only up to QUEUE_MAX_PENDING + 1. Past the bound the inbound pipeline refuses new messages, so a
 * model that cannot keep up makes platforms deliver again later instead of growing the backlog
 * without end. Counted over the database, so it is the deployment's backlog, not this replica's.
 */
@Injectable()
export class PendingBacklog implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('PendingBacklog');
  private pending = 0;
  private timer?: NodeJS.Timeout;
  private refreshing: Promise<void> = Promise.resolve();

  constructor(
    private readonly messages: MessageRepository,
    private readonly metrics: SwitchboardMetrics,
    @InjectConfig() private readonly config: SwitchboardConfig,
  ) {}

  /** Whether new messages must wait: the backlog reached QUEUE_MAX_PENDING. */
  get full(): boolean {
    const max = this.config.queue.maxPending;
    return max > 0 && this.pending >= max;
  }

  /** The backlog as last counted. */
  get size(): number {
    return this.pending;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => (this.refreshing = this.refresh()), REFRESH_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.refreshing;
  }

  async refresh(): Promise<void> {
    try {
      const wasFull = this.full;
      const max = this.config.queue.maxPending;
      this.pending = await this.messages.countPending(max > 0 ? max + 1 : UNBOUNDED_COUNT_LIMIT);
      this.metrics.messagesPending.set(this.pending);
      if (this.full !== wasFull) {
        const state = this.full ? 'refusing new messages until it shrinks' : 'accepting messages again';
        this.logger.warn(`${this.pending} message(s) waiting for an answer (bound ${this.config.queue.maxPending}): ${state}`);
      }
    } catch (error) {
      // The last count stands; the accept itself fails while the database is away.
      this.logger.warn(`counting waiting messages failed: ${error instanceof Error ? error.message : error}`);
    }
  }
}
