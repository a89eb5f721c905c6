'use client';

import type { ReactNode } from 'react';
import { Group, Pagination, Paper, Select, Skeleton, Table, Text, UnstyledButton } from '@mantine/core';
import {
  type ColumnDef,
  type Table as ReactTable,
  flexRender,
  getCoreRowModel,
  getFilteredRowModel,
  getPaginationRowModel,
  getSortedRowModel,
  useReactTable,
} from '@tanstack/react-table';
import { formatNumber } from '@/lib/format';
import { Icon } from './icons';
import { Empty, ErrorState } from './states';

interface DataTableProps<T> {
  table: ReactTable<T>;
  /** Names the table for screen readers. */
  label: string;
  loading: boolean;
  error: unknown;
  onRetry?: () => void;
  empty: { title: string; description?: ReactNode; action?: ReactNode };
  /** Rows on all pages (server paging), for the pager. */
  total: number;
  /** Audit paging brings its own controls; by default a pager shows once there are rows. */
  pager?: ReactNode | false;
}

/** A table with sortable headers, loading skeleton, error and empty states, and a pager below. */
export function DataTable<T>({ table, label, loading, error, onRetry, empty, total, pager }: DataTableProps<T>) {
  const rows = table.getRowModel().rows;
  const columns = table.getVisibleLeafColumns().length;
  let body: ReactNode;
  if (error && rows.length === 0) {
    body = (
      <Table.Tr>
        <Table.Td colSpan={columns}>
          <ErrorState error={error} onRetry={onRetry} />
        </Table.Td>
      </Table.Tr>
    );
  } else if (loading && rows.length === 0) {
    body = Array.from({ length: 5 }, (_, i) => (
      <Table.Tr key={i}>
        {Array.from({ length: columns }, (_, j) => (
          <Table.Td key={j}>
            <Skeleton height={14} radius="sm" />
          </Table.Td>
        ))}
      </Table.Tr>
    ));
  } else if (rows.length === 0) {
    body = (
      <Table.Tr>
        <Table.Td colSpan={columns}>
          <Empty title={empty.title} description={empty.description} action={empty.action} />
        </Table.Td>
      </Table.Tr>
    );
  } else {
    body = rows.map((row) => (
      <Table.Tr key={row.id}>
        {row.getVisibleCells().map((cell) => (
          <Table.Td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</Table.Td>
        ))}
      </Table.Tr>
    ));
  }
  return (
    <Paper withBorder radius="md">
      <Table.ScrollContainer minWidth={640}>
        <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover aria-label={label} aria-busy={loading}>
          <Table.Thead>
            {table.getHeaderGroups().map((group) => (
              <Table.Tr key={group.id}>
                {group.headers.map((header) => {
                  const sorted = header.column.getIsSorted();
                  const title = flexRender(header.column.columnDef.header, header.getContext());
                  return (
                    <Table.Th key={header.id} aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined} style={{ whiteSpace: 'nowrap' }}>
                      {header.column.getCanSort() ? (
                        <UnstyledButton onClick={header.column.getToggleSortingHandler()} fw={600} fz="sm">
                          <Group gap={4} wrap="nowrap">
                            {title}
                            <Icon name={sorted === 'asc' ? 'sortAsc' : sorted === 'desc' ? 'sortDesc' : 'sortNone'} size={14} />
                          </Group>
                        </UnstyledButton>
                      ) : (
                        title
                      )}
                    </Table.Th>
                  );
                })}
              </Table.Tr>
            ))}
          </Table.Thead>
          <Table.Tbody>{body}</Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {pager === undefined ? total > 0 && <TablePager table={table} total={total} /> : pager}
    </Paper>
  );
}

const PAGE_SIZES = ['10', '20', '50', '100'];

/** "21–40 of 312", page buttons and the page size. */
export function TablePager<T>({ table, total }: { table: ReactTable<T>; total: number }) {
  const { pageIndex, pageSize } = table.getState().pagination;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const first = total === 0 ? 0 : pageIndex * pageSize + 1;
  const last = Math.min(total, (pageIndex + 1) * pageSize);
  return (
    <Group justify="space-between" px="md" py="sm" style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
      <Text size="sm" c="dimmed" className="tabular">
        {first}–{last} of {formatNumber(total)}
      </Text>
      <Group gap="md">
        <Select
          aria-label="Rows per page"
          size="xs"
          w={90}
          data={PAGE_SIZES}
          value={String(pageSize)}
          onChange={(value) => value && table.setPageSize(Number(value))}
          allowDeselect={false}
        />
        <Pagination
          size="sm"
          total={pages}
          value={pageIndex + 1}
          onChange={(page) => table.setPageIndex(page - 1)}
          getControlProps={(control) => ({ 'aria-label': `${control} page` })}
          getItemProps={(page) => ({ 'aria-label': `Page ${page}` })}
        />
      </Group>
    </Group>
  );
}

/** A table over rows already in memory: sorting, search and paging happen in the browser. */
export function useClientTable<T>(data: T[] | undefined, columns: ColumnDef<T, never>[], globalFilter: string) {
  return useReactTable<T>({
    data: data ?? EMPTY,
    columns,
    state: { globalFilter },
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
    getPaginationRowModel: getPaginationRowModel(),
    initialState: { pagination: { pageIndex: 0, pageSize: 20 } },
  });
}

const EMPTY: never[] = [];
