import { Injectable } from '@nestjs/common';
import { AllowlistEntry as AllowlistRecord, AllowlistRepository, ConsoleQueriesRepository, Transactions } from '@switchboard/persistence';
import { AddToAllowlistUseCase, validAllowlistEntry } from '@switchboard/security';
import { AuditLog } from '../audit/audit-log.service';
import {
  AllowlistAddRequest,
  AllowlistEntry,
  AllowlistImportResponse,
  AllowlistListQuery,
  AllowlistPage,
  allowlistPlatform,
  userId as userIdSchema,
} from '../contract/access.schemas';
import type { ActorContext } from '../http/admin-request';
import { csvLine, parseCsv } from '../http/csv';

export const ALLOWLIST_CSV_HEADER = ['platform', 'userId', 'note'];
const MAX_IMPORT_ROWS = 20_000;

const view = (e: AllowlistRecord): AllowlistEntry => ({ ...e, createdAt: e.createdAt.toISOString() });
const target = (platform: string, userId: string) => `${platform}:${userId}`;

/** The allowlist as operators change it: every change recorded in the audit log, in its transaction. */
@Injectable()
export class AllowlistAdmin {
  constructor(
    private readonly allowlist: AllowlistRepository,
    private readonly addUser: AddToAllowlistUseCase,
    private readonly queries: ConsoleQueriesRepository,
    private readonly transactions: Transactions,
    private readonly audit: AuditLog,
  ) {}

  async page(query: AllowlistListQuery): Promise<AllowlistPage> {
    const page = await this.queries.allowlistPage(query);
    return { ...page, items: page.items.map(view) };
  }

  async add(entry: AllowlistAddRequest, actor: ActorContext): Promise<{ added: boolean }> {
    const added = await this.audit.change(
      actor,
      // The use case refuses a platform the allowlist does not know, or an id of the wrong shape.
      () => this.addUser.execute(entry.platform, entry.userId, actor.actor, entry.note),
      (done) => (done ? { action: 'allowlist.add', targetType: 'allowlist', targetId: target(entry.platform, entry.userId), after: { note: entry.note ?? null } } : null),
    );
    return { added };
  }

  async remove(platform: string, userId: string, actor: ActorContext): Promise<{ removed: boolean }> {
    const removed = await this.audit.change(
      actor,
      () => this.allowlist.remove(platform, userId),
      (done) => (done ? { action: 'allowlist.remove', targetType: 'allowlist', targetId: target(platform, userId) } : null),
    );
    return { removed };
  }

  /** Checks every line; unless `dryRun`, adds the new entries in one transaction with one audit event. */
  async import(csv: string, dryRun: boolean, actor: ActorContext): Promise<AllowlistImportResponse> {
    const rows = parseCsv(csv);
    const header = (rows.shift() ?? []).map((h) => h.trim());
    const column = (name: string) => header.findIndex((h) => h.toLowerCase() === name.toLowerCase());
    const [p, u, n] = ALLOWLIST_CSV_HEADER.map(column);
    if (p < 0 || u < 0) return { dryRun, rows: [{ line: 1, platform: '', userId: '', note: null, outcome: 'invalid', error: 'the first line must be a header with platform,userId[,note]' }], added: 0, existing: 0, invalid: 1 };

    const existing = new Set((await this.allowlist.list()).map((e) => target(e.platform, e.userId)));
    const seen = new Set<string>();
    const result: AllowlistImportResponse['rows'] = rows.slice(0, MAX_IMPORT_ROWS).flatMap((fields, index): AllowlistImportResponse['rows'] => {
      if (fields.every((f) => f.trim() === '')) return [];
      const line = index + 2;
      const platform = allowlistPlatform.safeParse((fields[p] ?? '').trim());
      const user = userIdSchema.safeParse(fields[u] ?? '');
      const note = n >= 0 && fields[n]?.trim() ? fields[n].trim().slice(0, 500) : null;
      const base = { line, platform: (fields[p] ?? '').trim(), userId: (fields[u] ?? '').trim(), note };
      if (!platform.success) return [{ ...base, outcome: 'invalid', error: `platform: ${platform.error.issues[0].message}` }];
      if (!user.success) return [{ ...base, outcome: 'invalid', error: `userId: ${user.error.issues[0].message}` }];
      const shapeError = allowlistEntryError(platform.data, user.data);
      if (shapeError) return [{ ...base, outcome: 'invalid', error: shapeError }];
      const key = target(platform.data, user.data);
      const outcome = existing.has(key) || seen.has(key) ? 'exists' : 'add';
      seen.add(key);
      return [{ ...base, platform: platform.data, userId: user.data, outcome }];
    });
    if (rows.length > MAX_IMPORT_ROWS) {
      result.push({ line: MAX_IMPORT_ROWS + 2, platform: '', userId: '', note: null, outcome: 'invalid', error: `only the first ${MAX_IMPORT_ROWS} lines are imported at once` });
    }
    const toAdd = result.filter((row) => row.outcome === 'add');
    if (!dryRun && toAdd.length) {
      await this.transactions.run(async () => {
        for (const row of toAdd) await this.allowlist.add({ platform: row.platform, userId: row.userId, note: row.note ?? undefined, createdBy: actor.actor });
        await this.audit.record(actor, { action: 'allowlist.import', targetType: 'allowlist', after: { added: toAdd.length, entries: toAdd.map((row) => target(row.platform, row.userId)) } });
      });
    }
    const count = (outcome: string) => result.filter((row) => row.outcome === outcome).length;
    return { dryRun, rows: result, added: toAdd.length, existing: count('exists'), invalid: count('invalid') };
  }

  async *exportCsv(platform?: string): AsyncGenerator<string> {
    yield csvLine([...ALLOWLIST_CSV_HEADER, 'createdBy', 'createdAt']);
    const entries = await this.allowlist.list(platform);
    for (const e of entries) {
      if (platform === undefined || e.platform === platform) yield csvLine([e.platform, e.userId, e.note, e.createdBy, e.createdAt.toISOString()]);
    }
  }
}

/** Why a platform and id cannot be an allowlist entry (as the add use case would refuse it), or null. */
function allowlistEntryError(platform: string, userId: string): string | null {
  try {
    validAllowlistEntry(platform, userId);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
