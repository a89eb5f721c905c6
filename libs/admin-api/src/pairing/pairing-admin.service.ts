import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, isDomainError } from '@switchboard/core';
import { ConsoleQueriesRepository, PairingRepository, PairingRequest as PairingRecord, Transactions } from '@switchboard/persistence';
import { QUEUE_DRIVER, type QueueDriver } from '@switchboard/queue';
import { ApprovePairingUseCase, ApprovedPairing, ListPendingPairingsUseCase } from '@switchboard/security';
import { AuditLog } from '../audit/audit-log.service';
import type { PairingRequest } from '../contract/access.schemas';
import type { ActorContext } from '../http/admin-request';

export const APPROVED_TEXT = 'You are approved: you can talk to me now.';

export const pairingView = (r: PairingRecord): PairingRequest => ({
  id: r.id,
  platform: r.platform,
  userId: r.userId,
  displayName: r.displayName,
  chatId: r.chatId,
  expiresAt: r.expiresAt.toISOString(),
  createdAt: r.createdAt.toISOString(),
});

/** Pairing decisions of operators (console, CLI, local API), each recorded in the audit log. */
@Injectable()
export class PairingAdmin {
  constructor(
    private readonly pending: ListPendingPairingsUseCase,
    private readonly approveUseCase: ApprovePairingUseCase,
    private readonly pairing: PairingRepository,
    private readonly queries: ConsoleQueriesRepository,
    private readonly transactions: Transactions,
    private readonly audit: AuditLog,
    @Inject(QUEUE_DRIVER) private readonly queue: QueueDriver,
  ) {}

  async list(platform?: string): Promise<PairingRequest[]> {
    return (await this.pending.execute(platform)).map(pairingView);
  }

  /** Approves the code and tells the user (queued, so it reaches them even while no gateway runs). */
  async approve(platform: string, code: string, actor: ActorContext): Promise<ApprovedPairing> {
    // A refused code still counts against the platform's approval limit: that part commits.
    const outcome = await this.transactions.run(async (): Promise<{ approved: ApprovedPairing } | { refused: DomainError }> => {
      let approved: ApprovedPairing;
      try {
        approved = await this.approveUseCase.execute(platform, code, actor.actor);
      } catch (error) {
        if (isDomainError(error)) return { refused: error };
        throw error;
      }
      await this.audit.record(actor, { action: 'pairing.approve', targetType: 'allowlist', targetId: `${approved.platform}:${approved.userId}`, after: { displayName: approved.displayName, chatId: approved.chatId } });
      return { approved };
    });
    if ('refused' in outcome) throw outcome.refused;
    const { approved } = outcome;
    await this.queue.add(
      'channel.notify',
      { platform: approved.platform, accountId: approved.accountId, chatId: approved.chatId, text: APPROVED_TEXT },
      { jobId: `pairing-approved:${approved.platform}:${approved.userId}:${Date.now()}` },
    );
    return approved;
  }

  /** Refuses a pending request: its code stops working (the user may ask again later). */
  async deny(id: string, actor: ActorContext): Promise<{ denied: boolean }> {
    const request = await this.queries.pairingById(id);
    if (!request) throw new DomainError(ErrorCode.NOT_FOUND, `no pairing request ${id}`);
    const denied = await this.audit.change(
      actor,
      () => this.pairing.resolve(id, 'revoked', new Date(), actor.actor),
      (done) => (done ? { action: 'pairing.deny', targetType: 'pairing', targetId: `${request.platform}:${request.userId}`, after: { requestId: id } } : null),
    );
    return { denied };
  }
}
