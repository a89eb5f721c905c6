/** The optional `actor` of a local API request body: who to record as having made the change. */
export interface ActorBody {
  actor?: unknown;
}

export const actorOf = (body: ActorBody | undefined): string =>
  typeof body?.actor === 'string' && body.actor ? body.actor.slice(0, 64) : 'cli';
