import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { AllowlistAddRequest, AllowlistListQuery } from '@contract/access.schemas';
import { ADMIN_ROUTES } from '@contract/routes';
import { apiUrl, call } from './client';

const keys = { all: ['allowlist'] as const, list: (query: Partial<AllowlistListQuery>) => ['allowlist', query] as const };

export function useAllowlist(query: Partial<AllowlistListQuery>) {
  return useQuery({ queryKey: keys.list(query), queryFn: () => call(ADMIN_ROUTES.allowlistList, { query }), placeholderData: keepPreviousData });
}

export function useAddAllowlistEntry() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: AllowlistAddRequest) => call(ADMIN_ROUTES.allowlistAdd, { body }),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.all }),
  });
}

export function useRemoveAllowlistEntry() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (entry: { platform: string; userId: string }) => call(ADMIN_ROUTES.allowlistRemove, { params: entry }),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.all }),
  });
}

/** A dry run previews the import; the real one writes it. */
export function useImportAllowlist() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { csv: string; dryRun: boolean }) => call(ADMIN_ROUTES.allowlistImport, { body }),
    onSuccess: (result) => {
      if (!result.dryRun) void client.invalidateQueries({ queryKey: keys.all });
    },
  });
}

export const allowlistExportUrl = (platform?: string) => apiUrl(ADMIN_ROUTES.allowlistExport.path, { platform });
