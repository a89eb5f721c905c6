import { Injectable, Logger } from '@nestjs/common';
import { DomainError, ErrorCode } from '@switchboard/core';
import { InjectConfig, SwitchboardConfig } from '@switchboard/config';
import { OperatorRecord, OperatorRepository } from '@switchboard/persistence';
import { AuditLog } from '../audit/audit-log.service';
import { unauthenticated } from '../http/admin-errors';
import { LoginThrottle } from './login-throttle';
import { PasswordHasher } from './password-hasher';

const WRONG = 'wrong email or password';

export interface LoginAttempt {
  email: string;
  password: string;
  ip: string;
  userAgent: string | null;
}

/**
 * Checks an email and password. Refused alike whether the email is unknown, the password wrong,
 * the account disabled or SSO-only; throttled per address and per account; too many wrong
 * passwords in a row lock the account for a while (recorded in the audit log).
 */
@Injectable()
export class LocalLoginUseCase {
  private readonly logger = new Logger('AdminLogin');
  private readonly maxFailures: number;
  private readonly lockMs: number;

  constructor(
    private readonly operators: OperatorRepository,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditLog,
    @InjectConfig() config: SwitchboardConfig,
  ) {
    this.maxFailures = config.admin.loginMaxFailures;
    this.lockMs = config.admin.loginLockoutMinutes * 60_000;
  }

  async execute(attempt: LoginAttempt): Promise<OperatorRecord> {
    const email = attempt.email.trim().toLowerCase();
    const waitMs = await this.throttle.blockedFor(attempt.ip, email);
    if (waitMs > 0) throw tooMany(waitMs);

    const operator = await this.operators.findByEmail(email);
    const now = new Date();
    if (operator?.lockedUntil && operator.lockedUntil > now) throw tooMany(operator.lockedUntil.getTime() - now.getTime());
    const passwordOk = await this.hasher.verify(operator?.passwordHash ?? null, attempt.password);
    if (!operator || !passwordOk || operator.disabledAt) {
      await this.throttle.failed(attempt.ip, email);
      if (operator && !passwordOk) await this.countFailure(operator, attempt);
      this.logger.warn(`failed sign-in for ${email} from ${attempt.ip}`);
      throw unauthenticated(WRONG);
    }
    await this.operators.recordLogin(operator.id, now);
    await this.throttle.succeeded(email);
    return operator;
  }

  private async countFailure(operator: OperatorRecord, attempt: LoginAttempt): Promise<void> {
    const after = await this.operators.recordFailedLogin(operator.id, this.maxFailures, new Date(Date.now() + this.lockMs));
    if (after?.lockedUntil && after.failedLogins === this.maxFailures) {
      await this.audit.record(
        { actor: 'system', ip: attempt.ip, userAgent: attempt.userAgent },
        { action: 'operator.locked', targetType: 'operator', targetId: operator.email, after: { lockedUntil: after.lockedUntil.toISOString(), failedLogins: after.failedLogins } },
      );
    }
  }
}

function tooMany(waitMs: number): DomainError {
  return new DomainError(ErrorCode.RATE_LIMITED, `too many failed sign-ins; try again in ${Math.ceil(waitMs / 1000)} s`, { retryAfterMs: waitMs });
}
