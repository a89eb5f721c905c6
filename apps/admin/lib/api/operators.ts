import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { OperatorCreateRequest, OperatorUpdateRequest } from '@contract/operators.schemas';
import { ADMIN_ROUTES } from '@contract/routes';
import { call } from './client';

const key = ['operators'] as const;

export function useOperators() {
  return useQuery({ queryKey: key, queryFn: () => call(ADMIN_ROUTES.operatorList) });
}

export function useRoles() {
  return useQuery({ queryKey: ['roles'], queryFn: () => call(ADMIN_ROUTES.roleList), staleTime: Infinity });
}

export function useCreateOperator() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: OperatorCreateRequest) => call(ADMIN_ROUTES.operatorCreate, { body }),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });
}

export function useUpdateOperator() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, change }: { id: string; change: OperatorUpdateRequest }) => call(ADMIN_ROUTES.operatorUpdate, { params: { id }, body: change }),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });
}
