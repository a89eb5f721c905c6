import { AdminOperationsModule, AuditAdmin, AuditAdminService } from '@switchboard/admin-api';
import type { SwitchboardConfig } from '@switchboard/config';
import { LocalApi, withAdminPort } from './local-api';

/** The audit log, through the running gateway or on the database. */
export function withAuditAdmin<T>(config: SwitchboardConfig, work: (admin: AuditAdmin) => Promise<T>): Promise<T> {
  return withAdminPort(
    config,
    (api) => new AuditAdminClient(api),
    { imports: [AdminOperationsModule], service: AuditAdminService },
    work,
  );
}

/** The AuditAdmin port over the gateway's `/api/local/audit` routes. */
class AuditAdminClient implements AuditAdmin {
  constructor(private readonly api: LocalApi) {}

  verify() {
    return this.api.call<Awaited<ReturnType<AuditAdmin['verify']>>>('GET', '/audit/verify');
  }

  export(format: 'csv' | 'jsonl') {
    return this.api.lines(`/audit/export?format=${format}`);
  }
}
