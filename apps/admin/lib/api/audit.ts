import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import type { AuditFilters } from '@contract/audit.schemas';
import { ADMIN_ROUTES } from '@contract/routes';
import { apiUrl, call } from './client';

export function useAuditPage(filters: AuditFilters, cursor: string | undefined, limit: number) {
  return useQuery({
    queryKey: ['audit', filters, cursor, limit],
    queryFn: () => call(ADMIN_ROUTES.auditList, { query: { ...filters, cursor, limit } }),
    placeholderData: keepPreviousData,
  });
}

export function useVerifyAudit() {
  return useMutation({ mutationFn: () => call(ADMIN_ROUTES.auditVerify) });
}

export const auditExportUrl = (filters: AuditFilters, format: 'csv' | 'jsonl') => apiUrl(ADMIN_ROUTES.auditExport.path, { ...filters, format });
