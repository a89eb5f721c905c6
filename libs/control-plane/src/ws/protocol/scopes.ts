export const ROLES = ['operator', 'node'] as const;
export type Role = (typeof ROLES)[number];

export const OPERATOR_SCOPES = ['operator.read', 'operator.write', 'operator.admin', 'operator.approvals', 'operator.pairing'] as const;
export type OperatorScope = (typeof OPERATOR_SCOPES)[number];

export function isOperatorScope(scope: string): scope is OperatorScope {
  return (OPERATOR_SCOPES as readonly string[]).includes(scope);
}

/**
 * Whether a set of held scopes covers `required`. `operator.admin` covers every operator scope and
 * `operator.write` covers `operator.read`, so a writer need not also ask for read.
 */
export function satisfiesScope(held: readonly string[], required: OperatorScope): boolean {
  if (held.includes(required) || held.includes('operator.admin')) return true;
  return required === 'operator.read' && held.includes('operator.write');
}

/**
 * The scopes a connection gets: those it asked for that its credential allows, never more.
 * Nodes offer commands and hold no operator scopes; unknown scopes are dropped, not refused.
 */
export function grantScopes(role: Role, requested: readonly string[], allowed: readonly string[]): OperatorScope[] {
  if (role !== 'operator') return [];
  const granted = requested.filter(isOperatorScope).filter((scope) => satisfiesScope(allowed, scope));
  return [...new Set(granted)];
}
