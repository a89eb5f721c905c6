import { z } from 'zod';
import { email, password, permission, role } from './auth.schemas';
import { isoDate } from './common.schemas';

export const operator = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string().nullable(),
  role,
  /** Whether a local password is set (an SSO-only operator has none). */
  hasPassword: z.boolean(),
  disabled: z.boolean(),
  lockedUntil: isoDate.nullable(),
  lastLoginAt: isoDate.nullable(),
  createdAt: isoDate,
});
export type Operator = z.infer<typeof operator>;
export const operatorList = z.object({ items: z.array(operator) });

/** Without a password the operator can only sign in through SSO. */
export const operatorCreateRequest = z.object({
  email,
  role,
  displayName: z.string().trim().max(100).optional(),
  password: password.optional(),
});
export type OperatorCreateRequest = z.infer<typeof operatorCreateRequest>;

export const operatorUpdateRequest = z
  .object({ role: role.optional(), displayName: z.string().trim().max(100).nullable().optional(), disabled: z.boolean().optional() })
  .refine((body) => Object.keys(body).length > 0, 'nothing to change');
export type OperatorUpdateRequest = z.infer<typeof operatorUpdateRequest>;

export const roleList = z.object({ items: z.array(z.object({ role, permissions: z.array(permission) })) });
