import { Inject, Injectable, Logger } from '@nestjs/common';
import { AllowlistRepository, PairingRepository } from '@switchboard/persistence';
import { AccessLists } from '../../../access/access-lists';
import { CLOCK, Clock } from '../../../clock';

export interface RevokeResult {
  /** An allowlist entry for the platform was removed. */
  removed: boolean;
  /** Pending pairing requests of the user that were revoked. */
  revokedRequests: number;
  /** The user is still let in by the configuration (allowed or admin lists), which only a config change undoes. */
  stillAllowedByConfig: boolean;
}

/** Takes a user's access on one platform away: their allowlist entry and any pending code. */
@Injectable()
export class RevokePairingUseCase {
  private readonly logger = new Logger('Pairing');

  constructor(
    private readonly pairing: PairingRepository,
    private readonly allowlist: AllowlistRepository,
    private readonly lists: AccessLists,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(platform: string, userId: string, actor?: string): Promise<RevokeResult> {
    const removed = await this.allowlist.remove(platform, userId);
    const revokedRequests = await this.pairing.resolvePendingForUser(platform, userId, 'revoked', this.clock.now(), actor);
    this.logger.log(`${actor ?? 'someone'} revoked ${platform} user ${userId} (entry removed: ${removed}, requests: ${revokedRequests})`);
    return {
      removed,
      revokedRequests,
      stillAllowedByConfig: this.lists.isListed(platform, userId) || this.lists.isAdmin(platform, userId),
    };
  }
}
