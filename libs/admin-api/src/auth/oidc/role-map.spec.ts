import { describe, expect, it } from 'vitest';
import { parseRoleMap, roleFromClaim } from './role-map';

describe('OIDC role mapping', () => {
  const map = parseRoleMap('sb-admins:admin,sb-ops:operator,https://idp/groups/audit:auditor');

  it('maps a list claim to the strongest role it matches', () => {
    expect(roleFromClaim(['staff', 'sb-ops', 'sb-admins'], map)).toBe('admin');
    expect(roleFromClaim(['sb-ops'], map)).toBe('operator');
  });

  it('reads a string claim as space-separated values, and keeps colons inside a value', () => {
    expect(roleFromClaim('staff https://idp/groups/audit', map)).toBe('auditor');
  });

  it('gives no role when nothing matches or the claim is missing', () => {
    expect(roleFromClaim(['staff'], map)).toBeNull();
    expect(roleFromClaim(undefined, map)).toBeNull();
    expect(roleFromClaim({ groups: ['sb-admins'] }, map)).toBeNull();
  });
});
