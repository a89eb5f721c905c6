import { Req } from '@nestjs/common';
import type { OperatorCreateRequest, OperatorUpdateRequest } from '../contract/operators.schemas';
import { ROLE_PERMISSIONS, ROLES } from '../contract/permissions';
import { ADMIN_ROUTES as R } from '../contract/routes';
import { consoleActor } from '../http/actor';
import type { AdminPrincipal, AdminRequest } from '../http/admin-request';
import { AdminController, AdminRoute, Input, Principal } from '../http/admin-route.decorator';
import { RequestOrigin } from '../http/request-origin';
import { OperatorAccounts, operatorView } from './operator-accounts.service';

@AdminController('operators')
export class OperatorsController {
  constructor(
    private readonly accounts: OperatorAccounts,
    private readonly origin: RequestOrigin,
  ) {}

  @AdminRoute(R.operatorList)
  async list() {
    return { items: await this.accounts.list() };
  }

  @AdminRoute(R.operatorCreate)
  async create(@Input('body') body: OperatorCreateRequest, @Principal() p: AdminPrincipal, @Req() request: AdminRequest) {
    return operatorView(await this.accounts.create(body, consoleActor(p, request, this.origin)));
  }

  @AdminRoute(R.operatorUpdate)
  async update(@Input('params') params: { id: string }, @Input('body') body: OperatorUpdateRequest, @Principal() p: AdminPrincipal, @Req() request: AdminRequest) {
    return operatorView(await this.accounts.update(params.id, body, consoleActor(p, request, this.origin)));
  }

  @AdminRoute(R.roleList)
  roles() {
    return { items: ROLES.map((role) => ({ role, permissions: [...ROLE_PERMISSIONS[role]] })) };
  }
}
