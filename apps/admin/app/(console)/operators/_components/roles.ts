import type { Role } from '@contract/permissions';

export const ROLE_COLOR: Record<Role, string> = { owner: 'grape', admin: 'indigo', operator: 'teal', auditor: 'gray' };

export const ROLE_CHOICES: Array<{ value: Role; label: string }> = [
  { value: 'owner', label: 'Owner: everything' },
  { value: 'admin', label: 'Admin: everything but operators' },
  { value: 'operator', label: 'Operator: allowlists, pairing, sessions' },
  { value: 'auditor', label: 'Auditor: reads everything, changes nothing' },
];
