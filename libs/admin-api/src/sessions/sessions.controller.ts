import { Req } from '@nestjs/common';
import { ADMIN_ROUTES as R } from '../contract/routes';
import type { SessionSearchQuery } from '../contract/sessions.schemas';
import { consoleActor } from '../http/actor';
import type { AdminPrincipal, AdminRequest } from '../http/admin-request';
import { AdminController, AdminRoute, Input, Principal } from '../http/admin-route.decorator';
import { RequestOrigin } from '../http/request-origin';
import { SessionsAdmin } from './sessions-admin.service';

@AdminController('sessions')
export class SessionsController {
  constructor(
    private readonly sessions: SessionsAdmin,
    private readonly origin: RequestOrigin,
  ) {}

  @AdminRoute(R.sessionSearch)
  search(@Input('query') query: SessionSearchQuery) {
    return this.sessions.search(query);
  }

  @AdminRoute(R.sessionDetail)
  detail(@Input('params') params: { id: string }, @Input('query') query: { limit: number; before?: string }) {
    return this.sessions.detail(params.id, query.limit, query.before);
  }

  @AdminRoute(R.sessionReset)
  reset(@Input('params') params: { id: string }, @Principal() p: AdminPrincipal, @Req() request: AdminRequest) {
    return this.sessions.reset(params.id, consoleActor(p, request, this.origin));
  }

  @AdminRoute(R.sessionDelete)
  delete(@Input('params') params: { id: string }, @Principal() p: AdminPrincipal, @Req() request: AdminRequest) {
    return this.sessions.delete(params.id, consoleActor(p, request, this.origin));
  }
}
