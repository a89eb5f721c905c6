import { Injectable, Logger } from '@nestjs/common';
import { AllowlistRepository } from '@switchboard/persistence';
import { validAllowlistEntry } from '../../platform-user-ids';

/**
 * Lets a user talk to the agent on one platform (or on every one, "*"). The platform must be one
 * the gateway knows and the id must have that platform's shape, whoever asks (CLI, local API,
 * admin API): an entry that can never match anybody is refused, not stored.
 */
@Injectable()
export class AddToAllowlistUseCase {
  private readonly logger = new Logger('Allowlist');

  constructor(private readonly allowlist: AllowlistRepository) {}

  /** True when an entry was created, false when the user was already on the list. */
  async execute(platform: string, userId: string, actor: string, note?: string): Promise<boolean> {
    const entry = validAllowlistEntry(platform, userId);
    const added = await this.allowlist.add({ ...entry, note, createdBy: actor });
    if (added) this.logger.log(`${actor} allowed ${entry.platform} user ${entry.userId}`);
    return added;
  }
}
