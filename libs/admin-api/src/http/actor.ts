import type { ActorContext, AdminPrincipal, AdminRequest } from './admin-request';
import type { RequestOrigin } from './request-origin';

/** The console operator behind a request, as the audit log names them. */
export function consoleActor(principal: AdminPrincipal, request: AdminRequest, origin: RequestOrigin): ActorContext {
  return { actor: `console:${principal.operator.email}`, operatorId: principal.operator.id, ip: origin.clientIp(request), userAgent: origin.userAgent(request) };
}
