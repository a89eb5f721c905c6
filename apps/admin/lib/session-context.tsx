'use client';

import { createContext, type ReactNode, useCallback, useContext } from 'react';
import type { SessionResponse } from '@contract/auth.schemas';
import type { Permission } from '@contract/permissions';

const SessionContext = createContext<SessionResponse | null>(null);

export function SessionProvider({ session, children }: { session: SessionResponse; children: ReactNode }) {
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

/** The signed-in operator's session; only inside the console shell. */
export function useCurrentSession(): SessionResponse {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useCurrentSession outside the signed-in console');
  return session;
}

/**
 * Whether the operator's role grants a permission. The console hides what the answer forbids;
 * the server checks every request anyway.
 */
export function useCan(): (permission: Permission) => boolean {
  const { permissions } = useCurrentSession();
  return useCallback((permission) => permissions.includes(permission), [permissions]);
}

/** Renders its children only when the operator has the permission. */
export function Can({ permission, children }: { permission: Permission; children: ReactNode }) {
  return useCan()(permission) ? <>{children}</> : null;
}
