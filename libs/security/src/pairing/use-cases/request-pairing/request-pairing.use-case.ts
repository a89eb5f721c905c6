import { Inject, Injectable, Logger } from '@nestjs/common';
import type { InboundMessage } from '@switchboard/core';
import { PairingRepository } from '@switchboard/persistence';
import { CLOCK, Clock } from '../../../clock';
import { generatePairingCode } from '../../pairing-code';
import { PairingCodeHasher } from '../../pairing-code-hasher';
import { PAIRING_LIMITS, formatUtcTime } from '../../pairing-limits';

export type PairingReplyReason = 'pairing_code_sent' | 'pairing_pending' | 'pairing_cooldown' | 'pairing_full';

/** What to tell an unknown user who wrote in a DM. `reply` may hold a secret code: send it, never log it. */
export interface PairingReply {
  reason: PairingReplyReason;
  reply: string;
}

/** Gives an unknown DM user a pairing code for the bot owner to approve, within the pairing limits. */
@Injectable()
export class RequestPairingUseCase {
  private readonly logger = new Logger('Pairing');

  constructor(
    private readonly pairing: PairingRepository,
    private readonly codes: PairingCodeHasher,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(message: InboundMessage): Promise<PairingReply> {
    const { platform, chatId } = message;
    const userId = message.sender.id;
    const now = this.clock.now();

    const latest = await this.pairing.findLatestForUser(platform, userId);
    if (latest && now.getTime() - latest.createdAt.getTime() < PAIRING_LIMITS.userCooldownMs) {
      const nextCodeAt = formatUtcTime(new Date(latest.createdAt.getTime() + PAIRING_LIMITS.userCooldownMs));
      if (latest.status === 'pending' && latest.expiresAt > now) {
        return {
          reason: 'pairing_pending',
          reply:
            'Your pairing code is still waiting for approval by the owner of this bot. ' +
            "For security it is not stored, so it can't be shown again; " +
            `if you lost it, message me again after ${nextCodeAt} for a new one.`,
        };
      }
      return { reason: 'pairing_cooldown', reply: `Please message me again after ${nextCodeAt} to get a new pairing code.` };
    }

    // The user's own older request does not count: the new code replaces it.
    if ((await this.pairing.countPending(platform, now, userId)) >= PAIRING_LIMITS.maxPendingPerPlatform) {
      return {
        reason: 'pairing_full',
        reply: 'Too many people are waiting for access to this bot right now. Please try again in an hour.',
      };
    }

    await this.pairing.resolvePendingForUser(platform, userId, 'expired', now, 'superseded');
    const code = generatePairingCode();
    await this.pairing.create({
      platform,
      accountId: message.accountId,
      userId,
      displayName: message.sender.displayName ?? message.sender.username,
      chatId,
      codeHash: this.codes.hash(code),
      createdAt: now,
      expiresAt: new Date(now.getTime() + PAIRING_LIMITS.codeTtlMs),
    });
    this.logger.log(`pairing code issued to ${platform} user ${userId}`);
    return {
      reason: 'pairing_code_sent',
      reply:
        `This bot is private. To get access, send this pairing code to its owner: ${code}\n` +
        'The code is valid for 1 hour.',
    };
  }
}
