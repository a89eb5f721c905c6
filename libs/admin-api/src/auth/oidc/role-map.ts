import type { Role } from '../../contract/permissions';

// The strongest role wins when an operator's claim matches several.
const STRENGTH: Role[] = ['owner', 'admin', 'operator', 'auditor'];

/** Parses OIDC_ROLE_MAP ("sb-admins:admin,sb-ops:operator", validated by the config schema). */
export function parseRoleMap(text: string): Map<string, Role> {
  return new Map(
    text.split(',').map((pair) => {
      const at = pair.lastIndexOf(':');
      return [pair.slice(0, at).trim(), pair.slice(at + 1).trim() as Role];
    }),
  );
}

/** The role the claim's values map to, or null when none does. A string claim may list values with spaces. */
export function roleFromClaim(claim: unknown, map: Map<string, Role>): Role | null {
  const values = Array.isArray(claim) ? claim.map(String) : typeof claim === 'string' ? claim.split(/\s+/) : [];
  const roles = values.map((value) => map.get(value)).filter((role): role is Role => role !== undefined);
  return STRENGTH.find((role) => roles.includes(role)) ?? null;
}
