import { Inject } from '@nestjs/common';
import { ConsoleQueriesRepository } from '@switchboard/persistence';
import { QUEUE_DRIVER, type QueueDriver } from '@switchboard/queue';
import type { OverviewResponse } from '../contract/overview.schemas';
import { ADMIN_ROUTES as R } from '../contract/routes';
import { AdminController, AdminRoute } from '../http/admin-route.decorator';

const MINUTE = 60_000;

@AdminController('overview')
export class OverviewController {
  constructor(
    private readonly queries: ConsoleQueriesRepository,
    @Inject(QUEUE_DRIVER) private readonly queue: QueueDriver,
  ) {}

  /** From the database the metrics count (inbound messages, turns, sessions) and the queue's own counts. */
  @AdminRoute(R.overview)
  async overview(): Promise<OverviewResponse> {
    const now = new Date();
    const first = Math.floor(now.getTime() / MINUTE) * MINUTE - 59 * MINUTE;
    const [stats, counts] = await Promise.all([this.queries.activity(new Date(first)), this.queue.counts('message.process')]);
    const platforms = [...new Set(stats.traffic.map((p) => p.platform))].sort();
    const messagesPerMinute = platforms.map((platform) => {
      const byMinute = new Map(stats.traffic.filter((p) => p.platform === platform).map((p) => [p.minute.getTime(), p.count]));
      const points = Array.from({ length: 60 }, (_, i) => first + i * MINUTE).map((t) => ({ minute: new Date(t).toISOString(), count: byMinute.get(t) ?? 0 }));
      return { platform, points };
    });
    return {
      messagesPerMinute,
      queue: { waiting: counts.waiting, active: counts.active, delayed: counts.delayed, failed: counts.dead },
      errorRate: { finished: stats.finishedTurns, failed: stats.failedTurns, rate: stats.finishedTurns ? stats.failedTurns / stats.finishedTurns : 0 },
      activeSessions: stats.activeSessions,
      generatedAt: now.toISOString(),
    };
  }
}
