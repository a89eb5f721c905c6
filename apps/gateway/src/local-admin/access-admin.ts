import { Injectable } from '@nestjs/common';
import { Inject } from '@nestjs/common';
import { z } from 'zod';
import { DomainError, ErrorCode } from '@switchboard/core';
import { AllowlistRepository } from '@switchboard/persistence';
import { QUEUE_DRIVER, QueueDriver } from '@switchboard/queue';
import { ApprovePairingUseCase, ListPendingPairingsUseCase, RevokePairingUseCase } from '@switchboard/security';

export const platformSchema = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'expected a platform id such as telegram');
export const allowlistPlatformSchema = z.union([z.literal('*'), platformSchema]);
export const userIdSchema = z.string().trim().min(1, 'expected a user id').max(128, 'user id too long');
export const codeSchema = z.string().trim().min(8, 'expected the 8-character pairing code').max(16, 'expected the 8-character pairing code');

export interface AllowlistView {
  platform: string;
  userId: string;
  note: string | null;
  createdBy: string | null;
  createdAt: string;
}

export interface PairingView {
  platform: string;
  userId: string;
  displayName: string | null;
  chatId: string;
  expiresAt: string;
  createdAt: string;
}

/**
 * What operators change about access, from the CLI (through the running gateway's local API, or
 * straight on the database when no gateway runs) and later the admin console.
 */
export interface AccessAdmin {
  listAllowlist(platform?: string): Promise<AllowlistView[]>;
  addToAllowlist(platform: string, userId: string, actor: string): Promise<{ added: boolean }>;
  removeFromAllowlist(platform: string, userId: string): Promise<{ removed: boolean }>;
  listPairings(platform?: string): Promise<PairingView[]>;
  approvePairing(platform: string, code: string, actor: string): Promise<{ platform: string; userId: string; displayName: string | null }>;
  revokePairing(platform: string, userId: string, actor: string): Promise<{ removed: boolean; revokedRequests: number; stillAllowedByConfig: boolean }>;
}

export const APPROVED_TEXT = 'You are approved: you can talk to me now.';

@Injectable()
export class AccessAdminService implements AccessAdmin {
  constructor(
    private readonly allowlist: AllowlistRepository,
    private readonly approve: ApprovePairingUseCase,
    private readonly revoke: RevokePairingUseCase,
    private readonly pending: ListPendingPairingsUseCase,
    @Inject(QUEUE_DRIVER) private readonly queue: QueueDriver,
  ) {}

  async listAllowlist(platform?: string): Promise<AllowlistView[]> {
    const entries = await this.allowlist.list(platform === undefined ? undefined : parse(allowlistPlatformSchema, platform, 'platform'));
    return entries.map((e) => ({ ...e, createdAt: e.createdAt.toISOString() }));
  }

  async addToAllowlist(platform: string, userId: string, actor: string): Promise<{ added: boolean }> {
    const added = await this.allowlist.add({
      platform: parse(allowlistPlatformSchema, platform, 'platform'),
      userId: parse(userIdSchema, userId, 'userId'),
      createdBy: actor,
    });
    return { added };
  }

  async removeFromAllowlist(platform: string, userId: string): Promise<{ removed: boolean }> {
    return { removed: await this.allowlist.remove(parse(allowlistPlatformSchema, platform, 'platform'), parse(userIdSchema, userId, 'userId')) };
  }

  async listPairings(platform?: string): Promise<PairingView[]> {
    const requests = await this.pending.execute(platform === undefined ? undefined : parse(platformSchema, platform, 'platform'));
    return requests.map((r) => ({
      platform: r.platform,
      userId: r.userId,
      displayName: r.displayName,
      chatId: r.chatId,
      expiresAt: r.expiresAt.toISOString(),
      createdAt: r.createdAt.toISOString(),
    }));
  }

  /** Approves and tells the user (queued, so it reaches them even if sent while no gateway runs). */
  async approvePairing(platform: string, code: string, actor: string) {
    const approved = await this.approve.execute(parse(platformSchema, platform, 'platform'), parse(codeSchema, code, 'code'), actor);
    await this.queue.add(
      'channel.notify',
      { platform: approved.platform, accountId: 'default', chatId: approved.chatId, text: APPROVED_TEXT },
      { jobId: `pairing-approved:${approved.platform}:${approved.userId}:${Date.now()}` },
    );
    return { platform: approved.platform, userId: approved.userId, displayName: approved.displayName };
  }

  async revokePairing(platform: string, userId: string, actor: string) {
    return this.revoke.execute(parse(platformSchema, platform, 'platform'), parse(userIdSchema, userId, 'userId'), actor);
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown, field: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new DomainError(ErrorCode.INVALID_INPUT, `${field}: ${result.error.issues[0].message}`);
  return result.data;
}
