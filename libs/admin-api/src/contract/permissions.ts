// Shared by the gateway and the browser console: pure TypeScript, no Node or Nest imports.

/** Everything an operator may be allowed to do in the admin API, one string per capability. */
export const PERMISSIONS = [
  'overview.read',
  'allowlist.read',
  'allowlist.write',
  'pairing.read',
  'pairing.approve',
  'sessions.read',
  'sessions.reset',
  'sessions.delete',
  'channels.read',
  'channels.manage',
  'security.read',
  'security.write',
  'devices.read',
  'devices.manage',
  'apikeys.read',
  'apikeys.manage',
  'operators.read',
  'operators.manage',
  'audit.read',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ['owner', 'admin', 'operator', 'auditor'] as const;

export type Role = (typeof ROLES)[number];

const READ_PERMISSIONS = PERMISSIONS.filter((p) => p.endsWith('.read'));

/**
 * What each role may do. The auditor reads everything and changes nothing; the operator runs the
 * day-to-day access work; the admin does everything but manage operators; the owner does all.
 */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  owner: PERMISSIONS,
  admin: PERMISSIONS.filter((p) => p !== 'operators.manage'),
  operator: [
    'overview.read',
    'allowlist.read',
    'allowlist.write',
    'pairing.read',
    'pairing.approve',
    'sessions.read',
    'sessions.reset',
    'channels.read',
    'security.read',
    'devices.read',
  ],
  auditor: READ_PERMISSIONS,
};

export function roleHas(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}
