import { z } from 'zod';
import { isoDate } from './common.schemas';
import { PERMISSIONS, ROLES } from './permissions';

export const role = z.enum(ROLES);
export const permission = z.enum(PERMISSIONS);

/** A password must be 12 to 256 characters; nothing else is imposed (NIST SP 800-63B). */
export const password = z.string().min(12, 'the password needs at least 12 characters').max(256, 'the password is too long');
export const email = z.string().trim().toLowerCase().pipe(z.email('expected an email address')).pipe(z.string().max(254));

/** GET /api/admin/auth/config: what the sign-in page offers. Public. */
export const authConfigResponse = z.object({
  local: z.boolean(),
  sso: z.object({ enabled: z.boolean(), startUrl: z.string() }),
  /** True while no operator exists: the one-time setup link printed at start is the way in. */
  setupRequired: z.boolean(),
});
export type AuthConfigResponse = z.infer<typeof authConfigResponse>;

export const loginRequest = z.object({ email, password: z.string().min(1).max(256) });
export type LoginRequest = z.infer<typeof loginRequest>;

/** POST /api/admin/auth/setup: creates the first owner with the token of the setup link. */
export const setupRequest = z.object({ token: z.string().min(16).max(200), email, password, displayName: z.string().trim().max(100).optional() });
export type SetupRequest = z.infer<typeof setupRequest>;

export const changePasswordRequest = z.object({ currentPassword: z.string().min(1).max(256), newPassword: password });
export type ChangePasswordRequest = z.infer<typeof changePasswordRequest>;

export const signedInOperator = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string().nullable(),
  role,
});

/**
 * GET /api/admin/auth/session (and the answer to a login): who is signed in, what they may do, and
 * the CSRF token to send back in the `x-csrf-token` header of every state-changing request.
 */
export const sessionResponse = z.object({
  operator: signedInOperator,
  permissions: z.array(permission),
  csrfToken: z.string(),
  /** When the session ends whatever happens (absolute timeout). */
  expiresAt: isoDate,
  /** When it ends unless used before (idle timeout). */
  idleExpiresAt: isoDate,
});
export type SessionResponse = z.infer<typeof sessionResponse>;

export const signOutEverywhereResponse = z.object({ endedSessions: z.number().int() });
export type SignOutEverywhereResponse = z.infer<typeof signOutEverywhereResponse>;

/** The header that carries the CSRF token. */
export const CSRF_HEADER = 'x-csrf-token';
