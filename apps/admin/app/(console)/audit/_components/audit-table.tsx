'use client';

import { useMemo, useState } from 'react';
import { Button, Code, Modal, SimpleGrid, Stack, Text } from '@mantine/core';
import { type ColumnDef, createColumnHelper, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import type { AuditEvent, AuditFilters } from '@contract/audit.schemas';
import { CursorPager, useCursorPages } from '@/components/cursor-pager';
import { DataTable } from '@/components/data-table';
import { useAuditPage } from '@/lib/api/audit';
import { formatDateTime } from '@/lib/format';

const column = createColumnHelper<AuditEvent>();
const PAGE_SIZE = 25;

function Json({ label, value }: { label: string; value: unknown }) {
  return (
    <Stack gap={4}>
      <Text size="sm" fw={600}>
        {label}
      </Text>
      <Code block style={{ maxHeight: 300, overflow: 'auto' }}>
        {value === null || value === undefined ? '—' : JSON.stringify(value, null, 2)}
      </Code>
    </Stack>
  );
}

function Details({ event }: { event: AuditEvent }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="xs" variant="subtle" onClick={() => setOpen(true)} aria-label={`Details of event ${event.seq}`}>
        Details
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={`Event ${event.seq}: ${event.action}`} size="xl" centered>
        <Stack gap="sm">
          <Text size="sm">
            {formatDateTime(event.createdAt)} · {event.actor} · from {event.ip ?? 'unknown address'}
          </Text>
          <Text size="xs" c="dimmed">
            {event.userAgent ?? 'no user agent'}
          </Text>
          <SimpleGrid cols={2}>
            <Json label="Before" value={event.before} />
            <Json label="After" value={event.after} />
          </SimpleGrid>
          <Text size="xs" c="dimmed" style={{ wordBreak: 'break-all' }}>
            hash {event.hash}
          </Text>
        </Stack>
      </Modal>
    </>
  );
}

const COLUMNS = [
  column.accessor('createdAt', { header: 'Time', cell: (c) => <Text size="sm" style={{ whiteSpace: 'nowrap' }}>{formatDateTime(c.getValue())}</Text> }),
  column.accessor('actor', { header: 'Actor', cell: (c) => <Text size="sm">{c.getValue()}</Text> }),
  column.accessor('action', {
    header: 'Action',
    cell: (c) => (
      <Text size="sm" ff="monospace" fw={600} style={{ whiteSpace: 'nowrap' }}>
        {c.getValue()}
      </Text>
    ),
  }),
  column.accessor((e) => e.targetId ?? '', {
    id: 'target',
    header: 'Target',
    cell: (c) =>
      c.getValue() ? (
        <Stack gap={0}>
          <Text size="xs" c="dimmed">
            {c.row.original.targetType}
          </Text>
          <Code style={{ whiteSpace: 'nowrap' }}>{c.getValue()}</Code>
        </Stack>
      ) : (
        '—'
      ),
  }),
  column.accessor('ip', { header: 'IP', cell: (c) => <Text size="sm">{c.getValue() ?? '—'}</Text> }),
  column.display({ id: 'details', header: () => <span className="visually-hidden">Details</span>, cell: (c) => <Details event={c.row.original} /> }),
] as ColumnDef<AuditEvent>[];

/** Newest first, keyset-paged: "Older" follows the server's cursor, "Newer" goes back. */
export function AuditTable({ filters }: { filters: AuditFilters }) {
  const pages = useCursorPages(filters);
  const page = useAuditPage(filters, pages.cursor, PAGE_SIZE);
  const items = useMemo(() => page.data?.items ?? [], [page.data]);
  const table = useReactTable({ data: items, columns: COLUMNS, getCoreRowModel: getCoreRowModel(), enableSorting: false, getRowId: (e) => e.seq });
  const filtered = Object.values(filters).some(Boolean);
  return (
    <DataTable
      table={table}
      label="Audit events"
      loading={page.isFetching}
      error={page.error}
      onRetry={() => void page.refetch()}
      total={items.length}
      empty={filtered ? { title: 'No event matches', description: 'Try a shorter actor or action prefix.' } : { title: 'No event yet', description: 'Changes made anywhere show up here.' }}
      pager={<CursorPager pages={pages} nextCursor={page.data?.nextCursor ?? null} summary={`Page ${pages.page} · ${items.length} event(s)`} backLabel="Newer" nextLabel="Older" />}
    />
  );
}
