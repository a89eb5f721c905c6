import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@switchboard/core';
import { AdminSessionRepository, OperatorRecord, OperatorRepository, OperatorRole } from '@switchboard/persistence';
import { AuditLog } from '../audit/audit-log.service';
import { PasswordHasher } from '../auth/password-hasher';
import { password as passwordPolicy } from '../contract/auth.schemas';
import type { Operator, OperatorCreateRequest, OperatorUpdateRequest } from '../contract/operators.schemas';
import type { ActorContext } from '../http/admin-request';

/** An operator as the API shows it (no hash). */
export function operatorView(record: OperatorRecord): Operator {
  return {
    id: record.id,
    email: record.email,
    displayName: record.displayName,
    role: record.role,
    hasPassword: record.passwordHash !== null,
    disabled: record.disabledAt !== null,
    lockedUntil: record.lockedUntil && record.lockedUntil > new Date() ? record.lockedUntil.toISOString() : null,
    lastLoginAt: record.lastLoginAt?.toISOString() ?? null,
    createdAt: record.createdAt.toISOString(),
  };
}

// What the audit log keeps of an operator.
const snapshot = (o: OperatorRecord) => ({ email: o.email, role: o.role, displayName: o.displayName, disabled: o.disabledAt !== null });

/** Creating, changing and disabling operators: from the console, the CLI and the setup link. */
@Injectable()
export class OperatorAccounts {
  constructor(
    private readonly operators: OperatorRepository,
    private readonly sessions: AdminSessionRepository,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditLog,
  ) {}

  async list(): Promise<Operator[]> {
    return (await this.operators.list()).map(operatorView);
  }

  async create(input: OperatorCreateRequest, actor: ActorContext): Promise<OperatorRecord> {
    const passwordHash = input.password === undefined ? null : await this.hasher.hash(checkPassword(input.password));
    return this.audit.change(
      actor,
      async () => {
        const created = await this.operators.create({ email: input.email, role: input.role, displayName: input.displayName ?? null, passwordHash });
        if (!created) throw new DomainError(ErrorCode.CONFLICT, `an operator with email ${input.email} exists already`);
        return created;
      },
      (created) => ({ action: 'operator.create', targetType: 'operator', targetId: created.email, after: { ...snapshot(created), hasPassword: passwordHash !== null } }),
    );
  }

  /** Changes role, name or disabled state; disabling ends the operator's sessions. */
  async update(id: string, changes: OperatorUpdateRequest, actor: ActorContext): Promise<OperatorRecord> {
    return this.audit.change(
      actor,
      async () => {
        const before = await this.operators.findById(id);
        if (!before) throw new DomainError(ErrorCode.NOT_FOUND, `no operator ${id}`);
        await this.keepAnOwner(before, changes.role, changes.disabled);
        const after = await this.operators.update(id, {
          role: changes.role,
          displayName: changes.displayName,
          disabledAt: changes.disabled === undefined ? undefined : changes.disabled ? (before.disabledAt ?? new Date()) : null,
        });
        if (!after) throw new DomainError(ErrorCode.NOT_FOUND, `no operator ${id}`);
        if (changes.disabled) await this.sessions.deleteForOperator(id);
        return { before, after };
      },
      ({ before, after }) => ({ action: 'operator.update', targetType: 'operator', targetId: after.email, before: snapshot(before), after: snapshot(after) }),
    ).then(({ after }) => after);
  }

  async disableByEmail(email: string, actor: ActorContext): Promise<OperatorRecord> {
    const operator = await this.operators.findByEmail(email);
    if (!operator) throw new DomainError(ErrorCode.NOT_FOUND, `no operator with email ${email}`);
    return this.update(operator.id, { disabled: true }, actor);
  }

  /** Sets a new password after checking the current one; the operator's other sessions end. */
  async changePassword(operator: OperatorRecord, current: string, next: string, keepSessionId: string, actor: ActorContext): Promise<void> {
    if (!(await this.hasher.verify(operator.passwordHash, current))) throw new DomainError(ErrorCode.INVALID_INPUT, 'the current password is wrong');
    const passwordHash = await this.hasher.hash(checkPassword(next));
    await this.audit.change(
      actor,
      async () => {
        await this.operators.update(operator.id, { passwordHash });
        return this.sessions.deleteForOperator(operator.id, keepSessionId);
      },
      (ended) => ({ action: 'operator.password_change', targetType: 'operator', targetId: operator.email, after: { endedSessions: ended } }),
    );
  }

  // The last enabled owner can neither be demoted nor disabled: nobody could manage operators.
  private async keepAnOwner(operator: OperatorRecord, role: OperatorRole | undefined, disabled: boolean | undefined): Promise<void> {
    const losesOwner = operator.role === 'owner' && !operator.disabledAt && ((role !== undefined && role !== 'owner') || disabled === true);
    if (losesOwner && (await this.operators.countActiveOwners()) <= 1) {
      throw new DomainError(ErrorCode.CONFLICT, `${operator.email} is the last owner; make another operator owner first`);
    }
  }
}

function checkPassword(password: string): string {
  const result = passwordPolicy.safeParse(password);
  if (!result.success) throw new DomainError(ErrorCode.INVALID_INPUT, result.error.issues[0].message);
  return result.data;
}
