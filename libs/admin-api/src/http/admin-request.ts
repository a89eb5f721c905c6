import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AdminSessionRecord, OperatorRecord } from '@switchboard/persistence';

/** The signed-in operator and their session, set by the AdminAuthGuard. */
export interface AdminPrincipal {
  session: AdminSessionRecord;
  operator: OperatorRecord;
}

/** Parsed and validated route input, set by the AdminAuthGuard from the route's schemas. */
export interface AdminInput {
  params: unknown;
  query: unknown;
  body: unknown;
}

export type AdminRequest = FastifyRequest & { adminPrincipal?: AdminPrincipal; adminInput?: AdminInput };
export type AdminReply = FastifyReply;

/** Who made a change, for the audit log. */
export interface ActorContext {
  /** `console:<email>`, `cli:<os user>`, `local-api:<name>`, `system`. */
  actor: string;
  operatorId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
}

/** A bare actor name (CLI, local API) as an ActorContext. */
export const actorContext = (actor: string | ActorContext): ActorContext => (typeof actor === 'string' ? { actor } : actor);
