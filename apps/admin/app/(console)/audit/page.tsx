'use client';

import { useCallback, useState } from 'react';
import { Button, Group } from '@mantine/core';
import type { AuditFilters } from '@contract/audit.schemas';
import { Icon } from '@/components/icons';
import { PageHeader } from '@/components/page-header';
import { Screen } from '@/components/screen';
import { SearchInput } from '@/components/search-input';
import { auditExportUrl } from '@/lib/api/audit';
import { AuditTable } from './_components/audit-table';
import { VerifyChain } from './_components/verify-chain';

export default function AuditPage() {
  const [filters, setFilters] = useState<AuditFilters>({});
  // Keeps the same object when nothing changed, so paging does not start over for nothing.
  const set = useCallback((key: keyof AuditFilters) => (value: string) => setFilters((f) => (f[key] === (value || undefined) ? f : { ...f, [key]: value || undefined })), []);
  return (
    <Screen title="Audit log" permission="audit.read">
      <PageHeader
        title="Audit log"
        description="Every change, from the console, the CLI, the local admin API or a control-plane client. Rows are append-only and hash-chained."
        actions={
          <>
            <Button component="a" href={auditExportUrl(filters, 'csv')} download variant="default" leftSection={<Icon name="download" size={16} />}>
              CSV
            </Button>
            <Button component="a" href={auditExportUrl(filters, 'jsonl')} download variant="default" leftSection={<Icon name="download" size={16} />}>
              JSON Lines
            </Button>
          </>
        }
      />
      <VerifyChain />
      <Group mb="md" gap="sm">
        <SearchInput label="Actor" placeholder="Actor, e.g. console:ana@example.com or cli:" onSearch={set('actor')} w={300} />
        <SearchInput label="Action" placeholder="Action, e.g. allowlist. or pairing.approve" onSearch={set('action')} w={300} />
        <SearchInput label="Target" placeholder="Target id" onSearch={set('targetId')} w={200} />
      </Group>
      <AuditTable filters={filters} />
    </Screen>
  );
}
