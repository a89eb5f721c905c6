import { Injectable } from '@nestjs/common';
import { AuditRepository, Transactions } from '@switchboard/persistence';
import type { ActorContext } from '../http/admin-request';

/** What changed, for the audit log (the actor comes from the request or the CLI). */
export interface AuditEntry {
  action: string;
  targetType?: string;
  targetId?: string;
  before?: unknown;
  after?: unknown;
}

/** Writes audit events; `change` runs a state change and its event in one transaction. */
@Injectable()
export class AuditLog {
  constructor(
    private readonly audit: AuditRepository,
    private readonly transactions: Transactions,
  ) {}

  async record(actor: ActorContext, entry: AuditEntry): Promise<void> {
    await this.audit.append({ ...entry, actor: actor.actor, operatorId: actor.operatorId, ip: actor.ip, userAgent: actor.userAgent });
  }

  /**
   * Runs `work` and records what `describe` makes of its result, committing both together;
   * `describe` returns null when nothing changed (nothing to record).
   */
  change<T>(actor: ActorContext, work: () => Promise<T>, describe: (result: T) => AuditEntry | null): Promise<T> {
    return this.transactions.run(async () => {
      const result = await work();
      const entry = describe(result);
      if (entry) await this.record(actor, entry);
      return result;
    });
  }
}
