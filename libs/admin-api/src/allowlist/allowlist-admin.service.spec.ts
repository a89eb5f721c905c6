import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AllowlistRepository, AuditRepository, ConsoleQueriesRepository, Transactions } from '@switchboard/persistence';
import { AddToAllowlistUseCase } from '@switchboard/security';
import { TEST_DATABASE_KINDS, TestDatabase, openTestDatabase } from '@switchboard/persistence/security/testing-databases';
import { AuditLog } from '../audit/audit-log.service';
import { AllowlistAdmin } from './allowlist-admin.service';

describe.each(TEST_DATABASE_KINDS)('AllowlistAdmin on %s', (kind) => {
  let database: TestDatabase;
  let admin: AllowlistAdmin;
  let audit: AuditRepository;
  const actor = { actor: 'console:a@example.com' };

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    const transactions = new Transactions(database.db);
    audit = new AuditRepository(database.db);
    const allowlist = new AllowlistRepository(database.db);
    admin = new AllowlistAdmin(allowlist, new AddToAllowlistUseCase(allowlist), new ConsoleQueriesRepository(database.db), transactions, new AuditLog(audit, transactions));
  });
  afterAll(() => database.close());

  // Lines: new, repeated, bad platform name, new on every platform, existing, unknown platform, not a Telegram id.
  const csv = 'platform,userId,note\ntelegram,1,first\ntelegram,1,again\nTelegram!,2,\n*,U2,\ntelegram,42,\nslack,U3,\ntelegram,abc,\n';

  it('previews an import without writing, then imports the new lines with one audit event', async () => {
    await admin.add({ platform: 'telegram', userId: '42' }, actor);
    const preview = await admin.import(csv, true, actor);
    expect(preview).toMatchObject({ dryRun: true, added: 2, existing: 2, invalid: 3 });
    expect(preview.rows.map((r) => [r.line, r.outcome])).toEqual([[2, 'add'], [3, 'exists'], [4, 'invalid'], [5, 'add'], [6, 'exists'], [7, 'invalid'], [8, 'invalid']]);
    expect(preview.rows[6].error).toContain('"abc" is not a telegram user id');
    expect((await admin.page({ sort: 'createdAt', order: 'asc', limit: 50 })).total).toBe(1);

    const done = await admin.import(csv, false, actor);
    expect(done.added).toBe(2);
    const page = await admin.page({ sort: 'userId', order: 'asc', limit: 50 });
    expect(page.items.map((e) => [e.platform, e.userId, e.note])).toEqual([
      ['telegram', '1', 'first'],
      ['telegram', '42', null],
      ['*', 'U2', null],
    ]);
    const events = await audit.page({ action: 'allowlist.' }, 10);
    expect(events.map((e) => e.action)).toEqual(['allowlist.import', 'allowlist.add']);
    expect(events[0].after).toEqual({ added: 2, entries: ['telegram:1', '*:U2'] });
  });

  it('refuses an entry that can match nobody (unknown platform, id of the wrong shape) and records nothing', async () => {
    const before = (await audit.page({}, 100)).length;
    await expect(admin.add({ platform: 'tg', userId: '123' }, actor)).rejects.toThrow('platform "tg" is not one the allowlist knows');
    await expect(admin.add({ platform: 'telegram', userId: 'notanumber' }, actor)).rejects.toThrow('is not a telegram user id');
    expect((await audit.page({}, 100)).length).toBe(before);
  });

  it('refuses a file without the header and records nothing', async () => {
    const before = (await audit.page({}, 100)).length;
    expect(await admin.import('telegram,5\n', false, actor)).toMatchObject({ added: 0, invalid: 1 });
    expect((await audit.page({}, 100)).length).toBe(before);
  });

  it('searches user ids and notes case-insensitively', async () => {
    expect((await admin.page({ search: 'FIRST', sort: 'createdAt', order: 'desc', limit: 10 })).items.map((e) => e.userId)).toEqual(['1']);
  });
});
