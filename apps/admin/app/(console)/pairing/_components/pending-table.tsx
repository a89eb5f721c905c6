'use client';

import { useMemo } from 'react';
import { Badge, Code, Text } from '@mantine/core';
import { type ColumnDef, createColumnHelper } from '@tanstack/react-table';
import type { PairingRequest } from '@contract/access.schemas';
import { ConfirmAction } from '@/components/confirm-action';
import { DataTable, useClientTable } from '@/components/data-table';
import { useNotify } from '@/components/notifications';
import { useDenyPairing, usePairingRequests } from '@/lib/api/pairing';
import { formatDateTime, formatRelative } from '@/lib/format';
import { useCan } from '@/lib/session-context';

const column = createColumnHelper<PairingRequest>();

function DenyRequest({ request }: { request: PairingRequest }) {
  const deny = useDenyPairing();
  const notify = useNotify();
  const who = request.displayName ?? request.userId;
  return (
    <ConfirmAction
      label="Deny"
      ariaLabel={`Deny ${who}`}
      title="Deny this request?"
      confirmLabel="Deny"
      onConfirm={async () => {
        await deny.mutateAsync(request.id);
        notify.success('Request denied', `${who} stays off the allowlist.`);
      }}
    >
      {who} ({request.platform}) will not be allowed. They can ask again later.
    </ConfirmAction>
  );
}

export function PendingTable() {
  const can = useCan();
  const requests = usePairingRequests();
  const columns = useMemo(() => {
    const list = [
      column.accessor('platform', { header: 'Platform', cell: (c) => <Badge variant="light" radius="sm">{c.getValue()}</Badge> }),
      column.accessor((r) => r.displayName ?? '', { id: 'name', header: 'Name', cell: (c) => c.getValue() || <Text c="dimmed" size="sm">unknown</Text> }),
      column.accessor('userId', { header: 'User id', cell: (c) => <Code>{c.getValue()}</Code> }),
      column.accessor('chatId', { header: 'Chat', cell: (c) => <Code>{c.getValue()}</Code> }),
      column.accessor('createdAt', { header: 'Asked', cell: (c) => <Text size="sm" title={formatDateTime(c.getValue())}>{formatRelative(c.getValue())}</Text> }),
      column.accessor('expiresAt', { header: 'Code expires', cell: (c) => <Text size="sm" title={formatDateTime(c.getValue())}>{formatRelative(c.getValue())}</Text> }),
    ] as ColumnDef<PairingRequest, never>[];
    if (can('pairing.approve')) {
      list.push(column.display({ id: 'actions', header: () => <span className="visually-hidden">Actions</span>, cell: (c) => <DenyRequest request={c.row.original} /> }) as ColumnDef<PairingRequest, never>);
    }
    return list;
  }, [can]);
  const table = useClientTable(requests.data?.items, columns, '');
  return (
    <DataTable
      table={table}
      label="Pending pairing requests"
      loading={requests.isPending}
      error={requests.error}
      onRetry={() => void requests.refetch()}
      total={table.getFilteredRowModel().rows.length}
      empty={{ title: 'No pending request', description: 'A new request shows up here the moment someone writes to the agent.' }}
    />
  );
}
