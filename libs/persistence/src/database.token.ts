/** Injection token of the open `Database` (persistence-internal: repositories only). */
export const DATABASE = Symbol('DATABASE');
