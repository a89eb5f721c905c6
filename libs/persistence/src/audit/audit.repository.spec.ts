import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AllowlistRepository } from '../security/allowlist.repository';
import { TEST_DATABASE_KINDS, TestDatabase, openTestDatabase } from '../security/testing-databases';
import { AUDIT_PRUNED, AuditRepository } from './audit.repository';

describe.each(TEST_DATABASE_KINDS)('AuditRepository on %s', (kind) => {
  let database: TestDatabase;
  let audit: AuditRepository;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    audit = new AuditRepository(database.db);
  });
  afterAll(() => database.close());
  // Each test starts from an empty log (emptied the way only a superuser can).
  beforeEach(async () => {
    await database.db.prisma.$executeRawUnsafe('ALTER TABLE "AuditEvent" DISABLE TRIGGER USER');
    await database.db.prisma.$executeRawUnsafe('TRUNCATE "AuditEvent"');
    await database.db.prisma.$executeRawUnsafe('ALTER TABLE "AuditEvent" ENABLE TRIGGER USER');
    await database.db.prisma.$executeRawUnsafe('DELETE FROM "AllowlistEntry"');
  });

  const appendSome = async (count: number) => {
    for (let i = 1; i <= count; i += 1) {
      await audit.append({ actor: `cli:tester`, action: 'allowlist.add', targetType: 'allowlist', targetId: `telegram:${i}`, after: { userId: String(i), at: new Date(0) } });
    }
  };
  // A superuser can switch the trigger off: what the hash chain is there to catch.
  const tamper = async (sql: string) => {
    await database.db.prisma.$executeRawUnsafe('ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only"');
    await database.db.prisma.$executeRawUnsafe(sql);
    await database.db.prisma.$executeRawUnsafe('ALTER TABLE "AuditEvent" ENABLE TRIGGER "AuditEvent_append_only"');
  };

  it('chains events one after another and verifies them intact', async () => {
    await appendSome(5);
    const page = await audit.page({}, 10);
    expect(page.map((e) => e.seq)).toEqual([5n, 4n, 3n, 2n, 1n]);
    expect(page[0].prevHash).toBe(page[1].hash);
    expect(page[4].prevHash).toBe('0'.repeat(64));
    expect(await audit.verify()).toEqual({ intact: true, checked: 5, firstBreak: null, head: { seq: 5n, hash: page[0].hash } });
  });

  it('refuses UPDATE, DELETE and TRUNCATE of audit rows', async () => {
    await appendSome(1);
    await expect(database.db.prisma.$executeRawUnsafe(`UPDATE "AuditEvent" SET actor = 'x'`)).rejects.toThrow(/append-only/);
    await expect(database.db.prisma.$executeRawUnsafe(`DELETE FROM "AuditEvent"`)).rejects.toThrow(/append-only/);
    await expect(database.db.prisma.$executeRawUnsafe(`TRUNCATE "AuditEvent"`)).rejects.toThrow(/append-only/);
    expect((await audit.verify()).intact).toBe(true);
  });

  it('names the first altered row when a row was edited in SQL', async () => {
    await appendSome(4);
    await tamper(`UPDATE "AuditEvent" SET "targetId" = 'telegram:999' WHERE seq = 3`);
    const result = await audit.verify();
    expect(result.intact).toBe(false);
    expect(result.firstBreak).toEqual({ seq: 3n, reason: expect.stringContaining('altered') });
  });

  it('detects a row whose hash was recomputed after the edit by the broken link of the next', async () => {
    await appendSome(3);
    await tamper(`UPDATE "AuditEvent" SET hash = repeat('a', 64) WHERE seq = 2`);
    const result = await audit.verify();
    expect(result.firstBreak?.seq).toBe(2n);
  });

  it('names a row deleted from the middle of the chain', async () => {
    await appendSome(4);
    await tamper(`DELETE FROM "AuditEvent" WHERE seq = 2`);
    expect((await audit.verify()).firstBreak).toEqual({ seq: 2n, reason: expect.stringContaining('missing') });
  });

  it('prunes old events and keeps the rest verifiable from the prune record', async () => {
    await appendSome(3);
    const cut = new Date(Date.now() + 1);
    // Events after the cut: their createdAt is later than `cut` once the clock has moved on.
    while (Date.now() <= cut.getTime()) await new Promise((resolve) => setImmediate(resolve));
    await appendSome(2);

    expect(await audit.prune(cut, 'system')).toBe(3);
    const remaining = await audit.page({}, 10);
    expect(remaining.map((e) => e.seq)).toEqual([6n, 5n, 4n]);
    expect(remaining[0].action).toBe(AUDIT_PRUNED);
    expect(await audit.verify()).toMatchObject({ intact: true, checked: 3 });

    // Deleting the first kept row is still detected.
    await tamper(`DELETE FROM "AuditEvent" WHERE seq = 4`);
    expect((await audit.verify()).firstBreak?.seq).toBe(4n);
  });

  it('writes the event in the transaction of the change: both or neither', async () => {
    const allowlist = new AllowlistRepository(database.db);
    await expect(
      database.db.transaction(async () => {
        await allowlist.add({ platform: 'telegram', userId: '1' });
        await audit.append({ actor: 'cli:tester', action: 'allowlist.add' });
        throw new Error('fails after both');
      }),
    ).rejects.toThrow('fails after both');
    expect(await allowlist.isAllowed('telegram', '1')).toBe(false);
    expect(await audit.page({}, 10)).toEqual([]);

    await database.db.transaction(async () => {
      await allowlist.add({ platform: 'telegram', userId: '1' });
      await audit.append({ actor: 'cli:tester', action: 'allowlist.add' });
    });
    expect(await allowlist.isAllowed('telegram', '1')).toBe(true);
    expect(await audit.page({}, 10)).toHaveLength(1);
  });

  it('keeps one unbroken chain under concurrent appends', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => audit.append({ actor: `console:${i}@example.com`, action: 'pairing.approve' })));
    expect(await audit.verify()).toMatchObject({ intact: true, checked: 20 });
  });

  it('filters by actor prefix, action prefix and target, and pages newest first by cursor', async () => {
    await appendSome(3);
    await audit.append({ actor: 'console:a@example.com', action: 'operator.create', targetType: 'operator', targetId: 'x' });
    expect((await audit.page({ actor: 'console:' }, 10)).map((e) => e.action)).toEqual(['operator.create']);
    expect((await audit.page({ action: 'allowlist.' }, 10))).toHaveLength(3);
    expect((await audit.page({ targetType: 'allowlist', targetId: 'telegram:2' }, 10)).map((e) => e.seq)).toEqual([2n]);
    const first = await audit.page({}, 2);
    const second = await audit.page({}, 2, first[1].seq);
    expect([...first, ...second].map((e) => e.seq)).toEqual([4n, 3n, 2n, 1n]);
    const streamed = [];
    for await (const e of audit.stream({ action: 'allowlist.' })) streamed.push(e.seq);
    expect(streamed).toEqual([1n, 2n, 3n]);
  });
});
