'use client';

import { useMemo } from 'react';
import { Badge, Code, Text } from '@mantine/core';
import { type ColumnDef, createColumnHelper } from '@tanstack/react-table';
import type { ApiKey } from '@contract/control-plane.schemas';
import { ConfirmAction } from '@/components/confirm-action';
import { DataTable, useClientTable } from '@/components/data-table';
import { useNotify } from '@/components/notifications';
import { useApiKeys, useRevokeApiKey } from '@/lib/api/api-keys';
import { formatDateTime, formatRelative } from '@/lib/format';
import { useCan } from '@/lib/session-context';

const column = createColumnHelper<ApiKey>();

function Revoke({ apiKey }: { apiKey: ApiKey }) {
  const revoke = useRevokeApiKey();
  const notify = useNotify();
  return (
    <ConfirmAction
      label="Revoke"
      ariaLabel={`Revoke ${apiKey.name}`}
      title="Revoke this key?"
      confirmLabel="Revoke key"
      onConfirm={async () => {
        await revoke.mutateAsync(apiKey.id);
        notify.success('Key revoked', `${apiKey.name} no longer works.`);
      }}
    >
      Every client using <b>{apiKey.name}</b> ({apiKey.prefix}…) is refused from now on. This cannot be undone.
    </ConfirmAction>
  );
}

export function ApiKeysTable({ search }: { search: string }) {
  const can = useCan();
  const keys = useApiKeys();
  const columns = useMemo(() => {
    const list = [
      column.accessor('name', { header: 'Name', cell: (c) => <Text size="sm" fw={600}>{c.getValue()}</Text> }),
      column.accessor('prefix', { header: 'Key', cell: (c) => <Code>{c.getValue()}…</Code> }),
      column.accessor((k) => k.scopes.join(', ') || 'all', { id: 'scopes', header: 'Scopes' }),
      column.accessor((k) => k.rateLimitPerMinute ?? 0, { id: 'rate', header: 'Limit / min', cell: (c) => (c.getValue() ? c.getValue() : 'default') }),
      column.accessor((k) => k.lastUsedAt ?? '', { id: 'lastUsed', header: 'Last used', cell: (c) => (c.getValue() ? formatRelative(c.getValue()) : 'never') }),
      column.accessor('createdAt', { header: 'Created', cell: (c) => <Text size="sm">{formatDateTime(c.getValue())}</Text> }),
      column.accessor((k) => (k.revokedAt ? 'revoked' : 'active'), {
        id: 'status',
        header: 'Status',
        cell: (c) => (
          <Badge color={c.getValue() === 'active' ? 'teal' : 'gray'} variant="light" radius="sm">
            {c.getValue()}
          </Badge>
        ),
      }),
    ] as ColumnDef<ApiKey, never>[];
    if (can('apikeys.manage')) {
      list.push(column.display({ id: 'actions', header: () => <span className="visually-hidden">Actions</span>, cell: (c) => (c.row.original.revokedAt ? null : <Revoke apiKey={c.row.original} />) }) as ColumnDef<ApiKey, never>);
    }
    return list;
  }, [can]);
  const table = useClientTable(keys.data?.items, columns, search);
  return (
    <DataTable
      table={table}
      label="API keys"
      loading={keys.isPending}
      error={keys.error}
      onRetry={() => void keys.refetch()}
      total={table.getFilteredRowModel().rows.length}
      empty={search ? { title: 'No key matches' } : { title: 'No API key yet', description: 'Create one to call the OpenAI-compatible API.' }}
    />
  );
}
