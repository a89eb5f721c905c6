import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ADMIN_ROUTES } from '@contract/routes';
import type { SessionSearchQuery } from '@contract/sessions.schemas';
import { call } from './client';

const keys = { all: ['sessions'] as const };

export function useSessionSearch(query: Partial<SessionSearchQuery>) {
  return useQuery({ queryKey: ['sessions', 'search', query], queryFn: () => call(ADMIN_ROUTES.sessionSearch, { query }), placeholderData: keepPreviousData });
}

export function useSessionDetail(id: string | null) {
  return useQuery({
    queryKey: ['sessions', 'detail', id],
    queryFn: () => call(ADMIN_ROUTES.sessionDetail, { params: { id: id! } }),
    enabled: id !== null,
  });
}

export function useResetSession() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(ADMIN_ROUTES.sessionReset, { params: { id } }),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.all }),
  });
}

export function useDeleteSession() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(ADMIN_ROUTES.sessionDelete, { params: { id } }),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.all }),
  });
}
