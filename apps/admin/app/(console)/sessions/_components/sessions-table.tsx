'use client';

import Link from 'next/link';
import { Anchor, Badge, Code, Text } from '@mantine/core';
import { type ColumnDef, createColumnHelper, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import type { SessionSummary } from '@contract/sessions.schemas';
import { CursorPager, rowRange, useCursorPages } from '@/components/cursor-pager';
import { DataTable } from '@/components/data-table';
import { useSessionSearch } from '@/lib/api/sessions';
import { formatDateTime, formatRelative } from '@/lib/format';

export interface SessionFilters {
  platform?: string;
  userId?: string;
  chatId?: string;
  text?: string;
}

const column = createColumnHelper<SessionSummary>();

const COLUMNS = [
  column.accessor('platform', { header: 'Platform', cell: (c) => <Badge variant="light" radius="sm">{c.getValue()}</Badge> }),
  column.accessor('chatId', {
    header: 'Chat',
    cell: (c) => (
      <Anchor component={Link} href={`/sessions/transcript/?id=${encodeURIComponent(c.row.original.id)}`} size="sm">
        {c.row.original.chatType} <Code>{c.getValue()}</Code>
        {c.row.original.threadId && <> · thread {c.row.original.threadId}</>}
      </Anchor>
    ),
  }),
  column.accessor('accountId', { header: 'Account', cell: (c) => <Text size="sm">{c.getValue()}</Text> }),
  column.accessor('lastActivityAt', { header: 'Last activity', cell: (c) => <Text size="sm" title={formatDateTime(c.getValue())}>{formatRelative(c.getValue())}</Text> }),
  column.accessor('createdAt', { header: 'Started', cell: (c) => <Text size="sm">{formatDateTime(c.getValue())}</Text> }),
  column.accessor('resetAt', { header: 'Reset', cell: (c) => <Text size="sm">{c.getValue() ? formatRelative(c.getValue()) : '—'}</Text> }),
] as ColumnDef<SessionSummary, never>[];

const PAGE_SIZE = 20;

/** Sessions matching the filters, newest activity first, paged (keyset) by the server. */
export function SessionsTable({ filters }: { filters: SessionFilters }) {
  const pages = useCursorPages(filters);
  const query = useSessionSearch({ ...filters, cursor: pages.cursor, limit: PAGE_SIZE });
  const table = useReactTable({
    data: query.data?.items ?? [],
    columns: COLUMNS,
    enableSorting: false,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (session) => session.id,
  });
  const filtered = Object.values(filters).some(Boolean);
  return (
    <DataTable
      table={table}
      label="Sessions"
      loading={query.isFetching}
      error={query.error}
      onRetry={() => void query.refetch()}
      total={query.data?.total ?? 0}
      pager={
        query.data && query.data.total > 0 ? (
          <CursorPager pages={pages} nextCursor={query.data.nextCursor} summary={rowRange(pages.page, PAGE_SIZE, query.data.items.length, query.data.total, query.data.totalCapped)} />
        ) : (
          false
        )
      }
      empty={filtered ? { title: 'No session matches', description: 'Try fewer filters.' } : { title: 'No session yet', description: 'Sessions start when someone allowed writes to the agent.' }}
    />
  );
}
