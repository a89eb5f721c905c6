import type { AuditEventRecord, AuditFilter } from '@switchboard/persistence';
import type { AuditEvent, AuditFilters } from '../contract/audit.schemas';
import { csvLine } from '../http/csv';

export function auditView(e: AuditEventRecord): AuditEvent {
  return {
    seq: e.seq.toString(),
    actor: e.actor,
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId,
    before: e.before,
    after: e.after,
    ip: e.ip,
    userAgent: e.userAgent,
    createdAt: e.createdAt.toISOString(),
    hash: e.hash,
  };
}

export function auditFilter(filters: AuditFilters): AuditFilter {
  return { ...filters, from: filters.from ? new Date(filters.from) : undefined, to: filters.to ? new Date(filters.to) : undefined };
}

const CSV_COLUMNS = ['seq', 'createdAt', 'actor', 'action', 'targetType', 'targetId', 'before', 'after', 'ip', 'userAgent', 'prevHash', 'hash'] as const;

/** Export lines: CSV (with a header) or JSON Lines, one event per line, oldest first. */
export async function* auditExportLines(events: AsyncIterable<AuditEventRecord>, format: 'csv' | 'jsonl'): AsyncGenerator<string> {
  if (format === 'csv') yield csvLine([...CSV_COLUMNS]);
  for await (const e of events) {
    const row = { ...auditView(e), prevHash: e.prevHash };
    if (format === 'jsonl') yield `${JSON.stringify(row)}\n`;
    else yield csvLine(CSV_COLUMNS.map((c) => (c === 'before' || c === 'after' ? (row[c] === null ? '' : JSON.stringify(row[c])) : row[c])));
  }
}
