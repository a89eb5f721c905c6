import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ADMIN_ROUTES } from '@contract/routes';
import type { SecuritySettingsUpdate } from '@contract/settings.schemas';
import { call } from './client';

const key = ['security'] as const;

export function useSecuritySettings() {
  return useQuery({ queryKey: key, queryFn: () => call(ADMIN_ROUTES.securitySettings) });
}

/** Changes (a value) or resets (null) settings; all of them or, on a 400, none. */
export function useUpdateSecurity() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: SecuritySettingsUpdate) => call(ADMIN_ROUTES.securityUpdate, { body }),
    onSuccess: (settings) => client.setQueryData(key, settings),
  });
}
