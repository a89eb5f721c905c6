import { Injectable } from '@nestjs/common';
import type { InboundMessage } from '@switchboard/core';
import { AllowlistRepository } from '@switchboard/persistence';
import { RequestPairingUseCase } from '../pairing/use-cases/request-pairing/request-pairing.use-case';
import { UserRateLimiter } from '../rate-limit/user-rate-limiter';
import { AccessDecision, AllowReason } from './access-decision';
import { AccessLists } from './access-lists';

/**
 * The gate every inbound message passes before it is queued (default deny).
 *
 * Direct messages: allowed for admins, users on the config lists or the database allowlist
 * (platform or "*"), everyone with GATEWAY_ALLOW_ALL_USERS, and everyone under dmPolicy "open".
 * Other senders are ignored (dmPolicy "allowlist") or offered a pairing code (dmPolicy "pairing").
 * dmPolicy "disabled" ignores every direct message, even from allowed users.
 *
 * Groups and threads: only chats in `<platform>.allowedGroups`, and only messages that mention
 * the bot or reply to it. In such a group ANY member may address the bot, allowlisted or not:
 * listing a group is the decision to serve its members. GATEWAY_ALLOW_ALL_USERS does not open
 * groups that are not listed.
 *
 * Allowed messages and pairing requests then pass the per-user rate limit.
 */
@Injectable()
export class AccessPolicy {
  constructor(
    private readonly lists: AccessLists,
    private readonly allowlist: AllowlistRepository,
    private readonly requestPairing: RequestPairingUseCase,
    private readonly rateLimiter: UserRateLimiter,
  ) {}

  async evaluate(message: InboundMessage): Promise<AccessDecision> {
    const { platform, chatType, chatId } = message;
    const userId = message.sender.id;
    const access = this.lists.channel(platform);

    if (chatType !== 'dm') {
      if (!access.allowedGroups.includes(chatId)) return { kind: 'ignore', reason: 'group_not_allowed' };
      if (!message.mentionsBot && !message.repliesToBot) return { kind: 'ignore', reason: 'not_addressed' };
      return this.limited(platform, userId, { kind: 'allow', reason: 'group_allowed' });
    }

    if (access.dmPolicy === 'disabled') return { kind: 'ignore', reason: 'dm_disabled' };
    const allowedBy = await this.allowedBy(platform, userId);
    if (allowedBy) return this.limited(platform, userId, { kind: 'allow', reason: allowedBy });
    if (access.dmPolicy === 'open') return this.limited(platform, userId, { kind: 'allow', reason: 'dm_open' });
    if (access.dmPolicy === 'allowlist') return { kind: 'ignore', reason: 'not_allowlisted' };

    // Rate limit first: a stranger flooding the bot should not cost a database round trip per message.
    const limit = await this.rateLimiter.consume(platform, userId);
    if (!limit.allowed) return rateLimited(limit.retryAfterMs, limit.notify);
    return { kind: 'pairing', ...(await this.requestPairing.execute(message)) };
  }

  private async allowedBy(platform: string, userId: string): Promise<AllowReason | undefined> {
    if (this.lists.allowAllUsers) return 'allow_all_users';
    if (this.lists.isAdmin(platform, userId)) return 'admin';
    if (this.lists.isListed(platform, userId)) return 'allowlisted';
    if (await this.allowlist.isAllowed(platform, userId)) return 'allowlisted';
    return undefined;
  }

  private async limited(platform: string, userId: string, decision: AccessDecision): Promise<AccessDecision> {
    const limit = await this.rateLimiter.consume(platform, userId);
    return limit.allowed ? decision : rateLimited(limit.retryAfterMs, limit.notify);
  }
}

function rateLimited(retryAfterMs: number, notify: boolean): AccessDecision {
  if (!notify) return { kind: 'rate_limited', reason: 'rate_limited', retryAfterMs };
  return {
    kind: 'rate_limited',
    reason: 'rate_limited',
    retryAfterMs,
    reply: `You are sending messages faster than this bot accepts. Please wait ${describeWait(retryAfterMs)} and try again.`,
  };
}

function describeWait(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
