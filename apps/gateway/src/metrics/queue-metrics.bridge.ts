import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectConfig, SwitchboardConfig } from '@switchboard/config';
import { SwitchboardMetrics } from '@switchboard/observability';
import { JOB_NAMES, QUEUE_DRIVER, QueueDriver } from '@switchboard/queue';
import { version } from '../version';

/** Feeds queue depths (read at scrape time) and build info into the metrics. */
@Injectable()
export class QueueMetricsBridge implements OnModuleInit {
  constructor(
    private readonly metrics: SwitchboardMetrics,
    @Inject(QUEUE_DRIVER) private readonly queue: QueueDriver,
    @InjectConfig() private readonly config: SwitchboardConfig,
  ) {}

  onModuleInit(): void {
    this.metrics.buildInfo.set(
      { version, database: this.config.database.url ? 'postgres' : 'pglite', queue: this.queue.kind },
      1,
    );
    this.metrics.setQueueDepthSource(async () => {
      const perQueue = await Promise.all(JOB_NAMES.map(async (name) => ({ name, counts: await this.queue.counts(name) })));
      return perQueue.flatMap(({ name, counts }) =>
        (['waiting', 'active', 'delayed', 'dead'] as const).map((state) => ({ queue: name, state, value: counts[state] })),
      );
    });
  }
}
