'use client';

import { useMemo } from 'react';
import { Button, Code, Group, Text } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import { type ColumnDef, createColumnHelper } from '@tanstack/react-table';
import type { DeviceList } from '@contract/control-plane.schemas';
import { ConfirmAction } from '@/components/confirm-action';
import { DataTable, useClientTable } from '@/components/data-table';
import { useNotify } from '@/components/notifications';
import { errorMessage } from '@/lib/api/client';
import { useApproveDevice, useRejectDevice } from '@/lib/api/devices';
import { formatRelative } from '@/lib/format';
import { useCan } from '@/lib/session-context';

type Pending = DeviceList['pending'][number];
const column = createColumnHelper<Pending>();

function Decide({ request }: { request: Pending }) {
  const approve = useApproveDevice();
  const reject = useRejectDevice();
  const notify = useNotify();
  const name = request.displayName ?? request.clientId;
  return (
    <Group gap="xs" wrap="nowrap">
      <Button
        size="xs"
        aria-label={`Approve ${name}`}
        loading={approve.isPending}
        onClick={() =>
          approve.mutate(request.requestId, {
            onSuccess: () => notify.success('Device approved', `${name} can connect.`),
            onError: (error) => notify.failure('Approval failed', errorMessage(error)),
          })
        }
      >
        Approve
      </Button>
      <ConfirmAction label="Reject" ariaLabel={`Reject ${name}`} title="Reject this device?" confirmLabel="Reject" onConfirm={() => reject.mutateAsync(request.requestId)}>
        {name} from {request.remoteIp} will not be able to connect.
      </ConfirmAction>
    </Group>
  );
}

export function PendingDevicesTable({ query }: { query: UseQueryResult<DeviceList> }) {
  const can = useCan();
  const columns = useMemo(() => {
    const list = [
      column.accessor((d) => d.displayName ?? d.clientId, { id: 'name', header: 'Device', cell: (c) => <Text size="sm" fw={600}>{c.getValue()}</Text> }),
      column.accessor('clientMode', { header: 'Mode' }),
      column.accessor('role', { header: 'Role' }),
      column.accessor((d) => d.scopes.join(', '), { id: 'scopes', header: 'Scopes' }),
      column.accessor('remoteIp', { header: 'From', cell: (c) => <Code>{c.getValue()}</Code> }),
      column.accessor('createdAt', { header: 'Asked', cell: (c) => formatRelative(c.getValue()) }),
    ] as ColumnDef<Pending, never>[];
    if (can('devices.manage')) list.push(column.display({ id: 'actions', header: () => <span className="visually-hidden">Actions</span>, cell: (c) => <Decide request={c.row.original} /> }) as ColumnDef<Pending, never>);
    return list;
  }, [can]);
  const table = useClientTable(query.data?.pending, columns, '');
  return (
    <DataTable
      table={table}
      label="Devices waiting for approval"
      loading={query.isPending}
      error={query.error}
      onRetry={() => void query.refetch()}
      total={table.getFilteredRowModel().rows.length}
      empty={{ title: 'No device waiting', description: 'A client that connects with a new device key shows up here.' }}
    />
  );
}
