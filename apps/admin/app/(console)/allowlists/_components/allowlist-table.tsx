'use client';

import { useMemo, useState } from 'react';
import { Badge, Code, Select, Text } from '@mantine/core';
import { type ColumnDef, type SortingState, createColumnHelper, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import type { AllowlistEntry } from '@contract/access.schemas';
import { ConfirmAction } from '@/components/confirm-action';
import { CursorPager, rowRange, useCursorPages } from '@/components/cursor-pager';
import { DataTable } from '@/components/data-table';
import { useNotify } from '@/components/notifications';
import { useAllowlist, useRemoveAllowlistEntry } from '@/lib/api/allowlist';
import { formatDateTime, formatRelative } from '@/lib/format';
import { useCan } from '@/lib/session-context';

const column = createColumnHelper<AllowlistEntry>();

function RemoveEntry({ entry }: { entry: AllowlistEntry }) {
  const remove = useRemoveAllowlistEntry();
  const notify = useNotify();
  return (
    <ConfirmAction
      label="Remove"
      ariaLabel={`Remove ${entry.platform} user ${entry.userId}`}
      title="Remove from the allowlist?"
      confirmLabel="Remove"
      onConfirm={async () => {
        await remove.mutateAsync({ platform: entry.platform, userId: entry.userId });
        notify.success('Removed', `${entry.platform} user ${entry.userId} can no longer talk to the agent.`);
      }}
    >
      {entry.platform} user <b>{entry.userId}</b> will no longer be able to talk to the agent, unless they pair again.
    </ConfirmAction>
  );
}

const PAGE_SIZES = ['10', '20', '50', '100'];

/** The allowlist, searched, sorted and paged (keyset) by the server. */
export function AllowlistTable({ search, platform }: { search: string; platform: string | null }) {
  const can = useCan();
  const [sorting, setSorting] = useState<SortingState>([{ id: 'createdAt', desc: true }]);
  const [pageSize, setPageSize] = useState(20);
  const sort = (sorting[0]?.id as 'createdAt' | 'userId' | 'platform' | undefined) ?? 'createdAt';
  const order = sorting[0]?.desc === false ? 'asc' : 'desc';
  const pages = useCursorPages(`${search}\n${platform}\n${sort}\n${order}\n${pageSize}`);
  const query = useAllowlist({ search: search || undefined, platform: platform ?? undefined, sort, order, cursor: pages.cursor, limit: pageSize });
  const columns = useMemo(() => {
    const list: ColumnDef<AllowlistEntry, never>[] = [
      column.accessor('platform', { header: 'Platform', cell: (c) => <Badge variant="light" radius="sm">{c.getValue()}</Badge> }) as ColumnDef<AllowlistEntry, never>,
      column.accessor('userId', { header: 'User id', cell: (c) => <Code>{c.getValue()}</Code> }) as ColumnDef<AllowlistEntry, never>,
      column.accessor('note', { header: 'Note', enableSorting: false, cell: (c) => c.getValue() ?? <Text c="dimmed" size="sm">—</Text> }) as ColumnDef<AllowlistEntry, never>,
      column.accessor('createdBy', { header: 'Added by', enableSorting: false, cell: (c) => <Text size="sm">{c.getValue() ?? 'config'}</Text> }) as ColumnDef<AllowlistEntry, never>,
      column.accessor('createdAt', {
        header: 'Added',
        cell: (c) => (
          <Text size="sm" title={formatDateTime(c.getValue())}>
            {formatRelative(c.getValue())}
          </Text>
        ),
      }) as ColumnDef<AllowlistEntry, never>,
    ];
    if (can('allowlist.write')) {
      list.push(column.display({ id: 'actions', header: () => <span className="visually-hidden">Actions</span>, cell: (c) => <RemoveEntry entry={c.row.original} /> }) as ColumnDef<AllowlistEntry, never>);
    }
    return list;
  }, [can]);
  const table = useReactTable({
    data: query.data?.items ?? [],
    columns,
    state: { sorting },
    onSortingChange: setSorting,
    manualSorting: true,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (entry) => `${entry.platform}:${entry.userId}`,
  });
  return (
    <DataTable
      table={table}
      label="Allowlist"
      loading={query.isFetching}
      error={query.error}
      onRetry={() => void query.refetch()}
      total={query.data?.total ?? 0}
      pager={
        query.data && query.data.total > 0 ? (
          <CursorPager pages={pages} nextCursor={query.data.nextCursor} summary={rowRange(pages.page, pageSize, query.data.items.length, query.data.total, query.data.totalCapped)}>
            <Select aria-label="Rows per page" size="xs" w={90} data={PAGE_SIZES} value={String(pageSize)} onChange={(value) => value && setPageSize(Number(value))} allowDeselect={false} />
          </CursorPager>
        ) : (
          false
        )
      }
      empty={
        search || platform
          ? { title: 'No match', description: 'No allowed user matches this search.' }
          : { title: 'Nobody is allowed yet', description: 'Add a user, import a CSV, or approve a pairing request.' }
      }
    />
  );
}
