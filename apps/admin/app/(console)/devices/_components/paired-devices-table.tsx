'use client';

import { useMemo, useState } from 'react';
import { Group, Text } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import { type ColumnDef, createColumnHelper } from '@tanstack/react-table';
import type { DeviceList, PairedDevice } from '@contract/control-plane.schemas';
import { ConfirmAction } from '@/components/confirm-action';
import { DataTable, useClientTable } from '@/components/data-table';
import { SearchInput } from '@/components/search-input';
import { useRevokeDevice } from '@/lib/api/devices';
import { formatDateTime, formatRelative } from '@/lib/format';
import { useCan } from '@/lib/session-context';

const column = createColumnHelper<PairedDevice>();

function Revoke({ device }: { device: PairedDevice }) {
  const revoke = useRevokeDevice();
  const name = device.displayName ?? device.clientId;
  return (
    <ConfirmAction label="Unpair" ariaLabel={`Unpair ${name}`} title="Unpair this device?" confirmLabel="Unpair" onConfirm={() => revoke.mutateAsync(device.deviceId)}>
      {name} is disconnected and must ask for approval again to reconnect.
    </ConfirmAction>
  );
}

export function PairedDevicesTable({ query }: { query: UseQueryResult<DeviceList> }) {
  const can = useCan();
  const [search, setSearch] = useState('');
  const columns = useMemo(() => {
    const list = [
      column.accessor((d) => d.displayName ?? d.clientId, { id: 'name', header: 'Device', cell: (c) => <Text size="sm" fw={600}>{c.getValue()}</Text> }),
      column.accessor('platform', { header: 'Platform', cell: (c) => c.getValue() ?? '—' }),
      column.accessor('clientMode', { header: 'Mode' }),
      column.accessor((d) => d.roles.join(', '), { id: 'roles', header: 'Roles' }),
      column.accessor((d) => d.scopes.join(', '), { id: 'scopes', header: 'Scopes' }),
      column.accessor('approvedAt', { header: 'Approved', cell: (c) => <Text size="sm" title={formatDateTime(c.getValue())}>{formatRelative(c.getValue())}</Text> }),
    ] as ColumnDef<PairedDevice, never>[];
    if (can('devices.manage')) list.push(column.display({ id: 'actions', header: () => <span className="visually-hidden">Actions</span>, cell: (c) => <Revoke device={c.row.original} /> }) as ColumnDef<PairedDevice, never>);
    return list;
  }, [can]);
  const table = useClientTable(query.data?.paired, columns, search);
  return (
    <>
      <Group mb="sm">
        <SearchInput label="Search devices" onSearch={setSearch} />
      </Group>
      <DataTable
        table={table}
        label="Paired devices"
        loading={query.isPending}
        error={query.error}
        onRetry={() => void query.refetch()}
        total={table.getFilteredRowModel().rows.length}
        empty={search ? { title: 'No device matches' } : { title: 'No paired device', description: 'Approve a device to see it here.' }}
      />
    </>
  );
}
