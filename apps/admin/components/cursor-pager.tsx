'use client';

import { type ReactNode, useEffect, useState } from 'react';
import { Button, Group, Text } from '@mantine/core';
import { formatNumber } from '@/lib/format';

/**
 * Keyset paging: the cursors of the pages visited so far, so "back" needs no cursor from the
 * server. Back to the first page whenever `resetKey` changes (filters, sort, page size).
 */
export function useCursorPages(resetKey: unknown) {
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  useEffect(() => setCursors([undefined]), [resetKey]);
  return {
    cursor: cursors[cursors.length - 1],
    page: cursors.length,
    back: () => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)),
    forward: (next: string) => setCursors((c) => [...c, next]),
  };
}

/** "1,000+" when the server stopped counting at its cap. */
export function formatTotal(total: number, capped: boolean): string {
  return capped ? `${formatNumber(total)}+` : formatNumber(total);
}

/** Which rows this page holds ("21–40 of 1,000+"), for lists that count their matches. */
export function rowRange(page: number, pageSize: number, rows: number, total: number, capped: boolean): string {
  const first = (page - 1) * pageSize + 1;
  return rows === 0 ? `0 of ${formatTotal(total, capped)}` : `${formatNumber(first)}–${formatNumber(first + rows - 1)} of ${formatTotal(total, capped)}`;
}

interface CursorPagerProps {
  pages: ReturnType<typeof useCursorPages>;
  nextCursor: string | null;
  summary: ReactNode;
  backLabel?: string;
  nextLabel?: string;
  /** Beside the buttons, e.g. a page size picker. */
  children?: ReactNode;
}

/** A summary, and buttons back to the previous page and on to the next (the server's cursor). */
export function CursorPager({ pages, nextCursor, summary, backLabel = 'Previous', nextLabel = 'Next', children }: CursorPagerProps) {
  return (
    <Group justify="space-between" px="md" py="sm" style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
      <Text size="sm" c="dimmed" className="tabular">
        {summary}
      </Text>
      <Group gap="xs">
        {children}
        <Button size="xs" variant="default" disabled={pages.page === 1} onClick={pages.back}>
          {backLabel}
        </Button>
        <Button size="xs" variant="default" disabled={!nextCursor} onClick={() => nextCursor && pages.forward(nextCursor)}>
          {nextLabel}
        </Button>
      </Group>
    </Group>
  );
}
