import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectConfig, SwitchboardConfig } from '@switchboard/config';
import { AuditRepository } from '@switchboard/persistence';
import { AdminSessions } from '../auth/admin-sessions.service';

const DAY_MS = 24 * 3_600_000;

/**
 * Daily housekeeping: prunes audit events older than AUDIT_RETENTION_DAYS (keeping the chain
 * verifiable) and deletes expired console sessions. Every replica may run it; the prune takes the
 * chain's lock, so two runs do the work once.
 */
@Injectable()
export class AuditRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AuditRetention');
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly audit: AuditRepository,
    private readonly sessions: AdminSessions,
    @InjectConfig() private readonly config: SwitchboardConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.run(new Date()), DAY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async run(now: Date): Promise<void> {
    try {
      await this.sessions.purgeExpired(now);
      const days = this.config.admin.auditRetentionDays;
      if (days === 0) return;
      const pruned = await this.audit.prune(new Date(now.getTime() - days * DAY_MS), 'system:retention');
      if (pruned) this.logger.log(`pruned ${pruned} audit events older than ${days} days`);
    } catch (error) {
      this.logger.warn(`audit retention: ${(error as Error).message}`);
    }
  }
}
