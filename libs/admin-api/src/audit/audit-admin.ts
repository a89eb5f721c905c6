import { Injectable } from '@nestjs/common';
import { AuditRepository } from '@switchboard/persistence';
import { auditExportLines } from './audit-format';

/** The result of `switchboard audit verify`, as JSON (sequence numbers as strings). */
export interface AuditVerifyView {
  intact: boolean;
  checked: number;
  firstBad: { seq: string; reason: string } | null;
  head: { seq: string; hash: string } | null;
}

/** `switchboard audit verify|export`: through the running gateway's local API or on the database. */
export interface AuditAdmin {
  verify(): Promise<AuditVerifyView>;
  /** The whole log, oldest first, as lines of CSV (with a header) or JSON Lines. */
  export(format: 'csv' | 'jsonl'): AsyncIterable<string>;
}

@Injectable()
export class AuditAdminService implements AuditAdmin {
  constructor(private readonly audit: AuditRepository) {}

  async verify(): Promise<AuditVerifyView> {
    const result = await this.audit.verify();
    return {
      intact: result.intact,
      checked: result.checked,
      firstBad: result.firstBreak ? { seq: result.firstBreak.seq.toString(), reason: result.firstBreak.reason } : null,
      head: result.head ? { seq: result.head.seq.toString(), hash: result.head.hash } : null,
    };
  }

  export(format: 'csv' | 'jsonl'): AsyncIterable<string> {
    return auditExportLines(this.audit.stream(), format);
  }
}
