import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { LoginRequest, SetupRequest } from '@contract/auth.schemas';
import { ADMIN_ROUTES } from '@contract/routes';
import { ApiError, call, setCsrfToken } from './client';

export const authKeys = { config: ['auth', 'config'] as const, session: ['auth', 'session'] as const };

export function useAuthConfig() {
  return useQuery({ queryKey: authKeys.config, queryFn: () => call(ADMIN_ROUTES.authConfig), staleTime: 60_000 });
}

/** The signed-in operator, or null when there is no session (401). */
export function useSession() {
  return useQuery({
    queryKey: authKeys.session,
    queryFn: async () => {
      try {
        const session = await call(ADMIN_ROUTES.session);
        setCsrfToken(session.csrfToken);
        return session;
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) {
          setCsrfToken(null);
          return null;
        }
        throw error;
      }
    },
    staleTime: 60_000,
    retry: false,
  });
}

export function useLogin() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: LoginRequest) => call(ADMIN_ROUTES.login, { body }),
    onSuccess: (session) => {
      setCsrfToken(session.csrfToken);
      client.setQueryData(authKeys.session, session);
    },
  });
}

export function useSetup() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: SetupRequest) => call(ADMIN_ROUTES.setup, { body }),
    onSuccess: (session) => {
      setCsrfToken(session.csrfToken);
      client.setQueryData(authKeys.session, session);
    },
  });
}

function useEndSession(route: typeof ADMIN_ROUTES.logout | typeof ADMIN_ROUTES.logoutEverywhere) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => call(route),
    onSuccess: () => {
      setCsrfToken(null);
      client.clear();
      client.setQueryData(authKeys.session, null);
    },
  });
}

export const useLogout = () => useEndSession(ADMIN_ROUTES.logout);
export const useLogoutEverywhere = () => useEndSession(ADMIN_ROUTES.logoutEverywhere);
