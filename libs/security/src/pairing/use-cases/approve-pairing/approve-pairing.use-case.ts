import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError, ErrorCode } from '@switchboard/core';
import { AllowlistRepository, PairingRepository } from '@switchboard/persistence';
import { CLOCK, Clock } from '../../../clock';
import { normalizePairingCode } from '../../pairing-code';
import { PairingCodeHasher } from '../../pairing-code-hasher';
import { PAIRING_LIMITS, formatUtcTime } from '../../pairing-limits';

/** Who was let in, so the caller can tell them in `chatId`. */
export interface ApprovedPairing {
  platform: string;
  /** The platform account (bot) the user asked through: it tells them they are approved. */
  accountId: string;
  userId: string;
  chatId: string;
  displayName: string | null;
}

/**
 * Approves a pairing code read out by a user: the user joins the platform's allowlist. Wrong codes
 * count as failures; too many lock approvals of the platform for a while (codes are short).
 */
@Injectable()
export class ApprovePairingUseCase {
  private readonly logger = new Logger('Pairing');

  constructor(
    private readonly pairing: PairingRepository,
    private readonly allowlist: AllowlistRepository,
    private readonly codes: PairingCodeHasher,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** `actor` names the approver for the record, e.g. "cli" or an operator id. */
  async execute(platform: string, code: string, actor: string): Promise<ApprovedPairing> {
    const now = this.clock.now();
    const guard = await this.pairing.findApprovalGuard(platform);
    if (guard?.lockedUntil && guard.lockedUntil > now) throw lockedError(guard.lockedUntil, now);

    const normalized = normalizePairingCode(code);
    const request = normalized ? await this.pairing.findByCodeHash(this.codes.hash(normalized)) : null;
    if (!request || request.platform !== platform || request.status === 'revoked') {
      return this.fail(platform, now);
    }
    if (request.status === 'approved') {
      throw new DomainError(ErrorCode.CONFLICT, `this pairing code was already approved (${platform} user ${request.userId})`);
    }
    if (request.status === 'expired' || request.expiresAt <= now) {
      await this.pairing.resolve(request.id, 'expired', now);
      throw new DomainError(ErrorCode.INVALID_INPUT, 'code expired; ask the user to message the bot again for a new one');
    }

    // Allowlist first: if the second step fails, the user is in and a retry says "already approved".
    await this.allowlist.add({ platform, userId: request.userId, createdBy: actor, note: 'pairing' });
    await this.pairing.resolve(request.id, 'approved', now, actor);
    this.logger.log(`${actor} approved pairing of ${platform} user ${request.userId}`);
    return { platform, accountId: request.accountId, userId: request.userId, chatId: request.chatId, displayName: request.displayName };
  }

  private async fail(platform: string, now: Date): Promise<never> {
    const guard = await this.pairing.recordApprovalFailure(platform, now, PAIRING_LIMITS.failureWindowMs);
    if (guard.failures >= PAIRING_LIMITS.maxFailedApprovals) {
      const until = new Date(now.getTime() + PAIRING_LIMITS.lockMs);
      await this.pairing.lockApprovals(platform, until, now);
      this.logger.warn(`pairing approvals for ${platform} locked until ${until.toISOString()} after ${guard.failures} failed attempts`);
    }
    throw new DomainError(ErrorCode.NOT_FOUND, `unknown pairing code for ${platform}; check the code and the platform`);
  }
}

function lockedError(until: Date, now: Date): DomainError {
  return new DomainError(
    ErrorCode.RATE_LIMITED,
    `too many failed approvals; try again after ${formatUtcTime(until)}`,
    { retryAfterMs: until.getTime() - now.getTime() },
  );
}
