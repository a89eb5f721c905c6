import { Injectable } from '@nestjs/common';
import type { Operator, OperatorCreateRequest } from '../contract/operators.schemas';
import { operatorCreateRequest } from '../contract/operators.schemas';
import { DomainError, ErrorCode } from '@switchboard/core';
import { OperatorAccounts, operatorView } from './operator-accounts.service';

/**
 * What `switchboard users` does: through the running gateway's local API, or on the database when
 * no gateway runs. `actor` is recorded in the audit log (`cli:<os user>`).
 */
export interface UsersAdmin {
  createUser(input: OperatorCreateRequest, actor: string): Promise<Operator>;
  listUsers(): Promise<Operator[]>;
  disableUser(email: string, actor: string): Promise<Operator>;
}

@Injectable()
export class UsersAdminService implements UsersAdmin {
  constructor(private readonly accounts: OperatorAccounts) {}

  async createUser(input: unknown, actor: string): Promise<Operator> {
    const parsed = operatorCreateRequest.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new DomainError(ErrorCode.INVALID_INPUT, `${issue.path.join('.') || 'input'}: ${issue.message}`);
    }
    return operatorView(await this.accounts.create(parsed.data, { actor }));
  }

  listUsers(): Promise<Operator[]> {
    return this.accounts.list();
  }

  async disableUser(email: string, actor: string): Promise<Operator> {
    return operatorView(await this.accounts.disableByEmail(email, { actor }));
  }
}
