import { describe, expect, it } from 'vitest';
import { PERMISSIONS, ROLE_PERMISSIONS, ROLES, roleHas } from './permissions';
import { ADMIN_ROUTES } from './routes';

describe('the role table', () => {
  it('lets the auditor read everything and change nothing', () => {
    expect(ROLE_PERMISSIONS.auditor).toEqual(PERMISSIONS.filter((p) => p.endsWith('.read')));
    expect(ROLE_PERMISSIONS.auditor.every((p) => p.endsWith('.read'))).toBe(true);
  });

  it('gives the owner every permission and keeps operator management from the admin', () => {
    expect([...ROLE_PERMISSIONS.owner]).toEqual([...PERMISSIONS]);
    expect(roleHas('admin', 'operators.manage')).toBe(false);
    expect(roleHas('operator', 'audit.read')).toBe(false);
  });

  it('lets only the owner and the admin change security settings and switch channels', () => {
    for (const permission of ['security.write', 'channels.manage'] as const) {
      expect(ROLES.filter((role) => roleHas(role, permission))).toEqual(['owner', 'admin']);
    }
  });

  it('names only known permissions', () => {
    for (const role of ROLES) for (const p of ROLE_PERMISSIONS[role]) expect(PERMISSIONS).toContain(p);
  });
});

describe('the route list', () => {
  it('declares an access rule for every route and has no two routes on one method and path', () => {
    const seen = new Set<string>();
    for (const route of Object.values(ADMIN_ROUTES)) {
      expect(['public', 'signed-in', ...PERMISSIONS]).toContain(route.access);
      const key = `${route.method} ${route.path}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
    }
  });

  it('uses every permission on some route', () => {
    const used = new Set(Object.values(ADMIN_ROUTES).map((r) => r.access));
    for (const p of PERMISSIONS) expect(used.has(p)).toBe(true);
  });
});
