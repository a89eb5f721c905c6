import { Res } from '@nestjs/common';
import { AuditRepository } from '@switchboard/persistence';
import type { AuditFilters, AuditListQuery, AuditPage, AuditVerifyResponse } from '../contract/audit.schemas';
import { ADMIN_ROUTES as R } from '../contract/routes';
import type { AdminReply } from '../http/admin-request';
import { AdminController, AdminRoute, Input } from '../http/admin-route.decorator';
import { sendDownload } from '../http/send-stream';
import { auditExportLines, auditFilter, auditView } from './audit-format';

@AdminController('audit')
export class AuditController {
  constructor(private readonly audit: AuditRepository) {}

  @AdminRoute(R.auditList)
  async list(@Input('query') query: AuditListQuery): Promise<AuditPage> {
    const { cursor, limit, ...filters } = query;
    const events = await this.audit.page(auditFilter(filters), limit, cursor === undefined ? undefined : BigInt(cursor));
    return { items: events.map(auditView), nextCursor: events.length === limit ? events[events.length - 1].seq.toString() : null };
  }

  @AdminRoute(R.auditExport)
  export(@Input('query') query: AuditFilters & { format: 'csv' | 'jsonl' }, @Res() reply: AdminReply) {
    const { format, ...filters } = query;
    const lines = auditExportLines(this.audit.stream(auditFilter(filters)), format);
    return sendDownload(reply, format === 'csv' ? 'text/csv' : 'application/x-ndjson', `audit.${format}`, lines);
  }

  @AdminRoute(R.auditVerify)
  async verify(): Promise<AuditVerifyResponse> {
    const result = await this.audit.verify();
    return { intact: result.intact, checked: result.checked, firstBad: result.firstBreak ? { seq: result.firstBreak.seq.toString(), reason: result.firstBreak.reason } : null };
  }
}
