import { AdminOperationsModule, UsersAdmin, UsersAdminService } from '@switchboard/admin-api';
import type { OperatorCreateRequest } from '@switchboard/admin-api/contract';
import type { SwitchboardConfig } from '@switchboard/config';
import { LocalApi, withAdminPort } from './local-api';

/** Operator accounts, through the running gateway or on the database. */
export function withUsersAdmin<T>(config: SwitchboardConfig, work: (admin: UsersAdmin) => Promise<T>): Promise<T> {
  return withAdminPort(
    config,
    (api) => new UsersAdminClient(api),
    { imports: [AdminOperationsModule], service: UsersAdminService },
    work,
  );
}

/** The UsersAdmin port over the gateway's `/api/local/users` routes. */
class UsersAdminClient implements UsersAdmin {
  constructor(private readonly api: LocalApi) {}

  createUser(user: OperatorCreateRequest, actor: string) {
    return this.api.call<Awaited<ReturnType<UsersAdmin['createUser']>>>('POST', '/users', { user, actor });
  }

  listUsers() {
    return this.api.call<Awaited<ReturnType<UsersAdmin['listUsers']>>>('GET', '/users');
  }

  disableUser(email: string, actor: string) {
    return this.api.call<Awaited<ReturnType<UsersAdmin['disableUser']>>>('POST', '/users/disable', { email, actor });
  }
}
