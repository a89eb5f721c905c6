import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { AllowlistAdmin, AuditLog, PairingAdmin } from '@switchboard/admin-api';
import { DomainError, ErrorCode } from '@switchboard/core';
import { AllowlistRepository } from '@switchboard/persistence';
import { ListPendingPairingsUseCase, RevokePairingUseCase } from '@switchboard/security';

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
  removeFromAllowlist(platform: string, userId: string, actor: string): Promise<{ removed: boolean }>;
  listPairings(platform?: string): Promise<PairingView[]>;
  approvePairing(platform: string, code: string, actor: string): Promise<{ platform: string; userId: string; displayName: string | null }>;
  revokePairing(platform: string, userId: string, actor: string): Promise<{ removed: boolean; revokedRequests: number; stillAllowedByConfig: boolean }>;
}

@Injectable()
export class AccessAdminService implements AccessAdmin {
  constructor(
    private readonly allowlist: AllowlistRepository,
    private readonly revoke: RevokePairingUseCase,
    private readonly pending: ListPendingPairingsUseCase,
    // Changes go through the admin API's operations: recorded in the audit log like the console's.
    private readonly allowlistAdmin: AllowlistAdmin,
    private readonly pairingAdmin: PairingAdmin,
    private readonly audit: AuditLog,
  ) {}

  async listAllowlist(platform?: string): Promise<AllowlistView[]> {
    const entries = await this.allowlist.list(platform === undefined ? undefined : parse(allowlistPlatformSchema, platform, 'platform'));
    return entries.map((e) => ({ ...e, createdAt: e.createdAt.toISOString() }));
  }

  async addToAllowlist(platform: string, userId: string, actor: string): Promise<{ added: boolean }> {
    // The add use case checks the platform and the id's shape, and names the problem.
    return this.allowlistAdmin.add({ platform, userId }, { actor });
  }

  async removeFromAllowlist(platform: string, userId: string, actor: string): Promise<{ removed: boolean }> {
    return this.allowlistAdmin.remove(parse(allowlistPlatformSchema, platform, 'platform'), parse(userIdSchema, userId, 'userId'), { actor });
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
    const approved = await this.pairingAdmin.approve(parse(platformSchema, platform, 'platform'), parse(codeSchema, code, 'code'), { actor });
    return { platform: approved.platform, userId: approved.userId, displayName: approved.displayName };
  }

  async revokePairing(platform: string, userId: string, actor: string) {
    const target = { platform: parse(platformSchema, platform, 'platform'), userId: parse(userIdSchema, userId, 'userId') };
    return this.audit.change({ actor }, () => this.revoke.execute(target.platform, target.userId, actor), (result) => ({
      action: 'pairing.revoke',
      targetType: 'allowlist',
      targetId: `${target.platform}:${target.userId}`,
      after: result,
    }));
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown, field: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new DomainError(ErrorCode.INVALID_INPUT, `${field}: ${result.error.issues[0].message}`);
  return result.data;
}
