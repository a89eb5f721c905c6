import { randomBytes } from 'node:crypto';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DomainError, ErrorCode } from '@switchboard/core';
import { OperatorRecord, OperatorRepository } from '@switchboard/persistence';
import type { SetupRequest } from '../contract/auth.schemas';
import type { ActorContext } from '../http/admin-request';
import { secretsMatch } from '../http/secrets-match';
import { OperatorAccounts } from '../operators/operator-accounts.service';

/**
 * While no operator exists, the gateway prints a one-time link at start; whoever opens it creates
 * the first owner. The token lives in this process only and is spent on first use.
 */
@Injectable()
export class SetupLink implements OnApplicationBootstrap {
  private readonly logger = new Logger('AdminSetup');
  private token: string | null = null;

  constructor(
    private readonly operators: OperatorRepository,
    private readonly accounts: OperatorAccounts,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if ((await this.operators.count()) > 0) return;
    this.token = randomBytes(24).toString('base64url');
  }

  /** Prints the link once the gateway listens at `baseUrl` (its real port, also when PORT=0). */
  announce(baseUrl: string): void {
    if (!this.token) return;
    this.logger.warn(
      `no operator exists yet: create the first owner at ${baseUrl}/admin/setup/?token=${this.token} (one-time link), or run \`switchboard users create --email <you> --role owner\``,
    );
  }

  async required(): Promise<boolean> {
    return (await this.operators.count()) === 0;
  }

  async createOwner(request: SetupRequest, actor: ActorContext): Promise<OperatorRecord> {
    const token = this.token;
    if (!token || !secretsMatch(request.token, token) || !(await this.required())) {
      throw new DomainError(ErrorCode.AUTH_FAILED, 'this setup link is no longer valid; use `switchboard users create`');
    }
    this.token = null;
    return this.accounts.create({ email: request.email, role: 'owner', displayName: request.displayName, password: request.password }, { ...actor, actor: `setup:${request.email}` });
  }
}
