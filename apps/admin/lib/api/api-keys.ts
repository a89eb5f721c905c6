import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ApiKeyCreateRequest } from '@contract/control-plane.schemas';
import { ADMIN_ROUTES } from '@contract/routes';
import { call } from './client';

const key = ['api-keys'] as const;

export function useApiKeys() {
  return useQuery({ queryKey: key, queryFn: () => call(ADMIN_ROUTES.apiKeyList) });
}

/** The answer holds the secret key: the only time it is ever shown. */
export function useCreateApiKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: ApiKeyCreateRequest) => call(ADMIN_ROUTES.apiKeyCreate, { body }),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });
}

export function useRevokeApiKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(ADMIN_ROUTES.apiKeyRevoke, { params: { id } }),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });
}
