import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminSessionRepository } from '../admin-sessions/admin-session.repository';
import { TEST_DATABASE_KINDS, TestDatabase, openTestDatabase, uniquePlatform } from '../security/testing-databases';
import { OperatorRepository } from './operator.repository';

describe.each(TEST_DATABASE_KINDS)('OperatorRepository and AdminSessionRepository on %s', (kind) => {
  let database: TestDatabase;
  let operators: OperatorRepository;
  let sessions: AdminSessionRepository;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    operators = new OperatorRepository(database.db);
    sessions = new AdminSessionRepository(database.db);
  });
  afterAll(() => database.close());

  const email = () => `${uniquePlatform('op')}@Example.com`;

  it('stores the email lower-cased and refuses a second operator with it', async () => {
    const address = email();
    const created = await operators.create({ email: address, role: 'admin', passwordHash: 'h' });
    expect(created).toMatchObject({ email: address.toLowerCase(), role: 'admin', failedLogins: 0, disabledAt: null });
    expect(await operators.create({ email: address.toUpperCase(), role: 'owner' })).toBeNull();
    expect((await operators.findByEmail(address))?.id).toBe(created?.id);
  });

  it('locks the account once the failures reach the limit, and a sign-in clears them', async () => {
    const op = (await operators.create({ email: email(), role: 'operator' }))!;
    const until = new Date(Date.now() + 60_000);
    await Promise.all([1, 2, 3, 4].map(() => operators.recordFailedLogin(op.id, 5, until)));
    expect((await operators.findById(op.id))).toMatchObject({ failedLogins: 4, lockedUntil: null });
    const locked = await operators.recordFailedLogin(op.id, 5, until);
    expect(locked).toMatchObject({ failedLogins: 5, lockedUntil: until });
    await operators.recordLogin(op.id, new Date());
    expect(await operators.findById(op.id)).toMatchObject({ failedLogins: 0, lockedUntil: null, lastLoginAt: expect.any(Date) });
  });

  it('finds a session only until its idle or absolute timeout, and ends all of an operator at once', async () => {
    const op = (await operators.create({ email: email(), role: 'auditor' }))!;
    const now = new Date();
    const at = (ms: number) => new Date(now.getTime() + ms);
    const base = { operatorId: op.id, csrfToken: 'c', method: 'password', ip: null, userAgent: null, createdAt: now };
    const a = await sessions.create({ ...base, tokenHash: `${op.id}-a`, idleExpiresAt: at(1000), expiresAt: at(5000) });
    await sessions.create({ ...base, tokenHash: `${op.id}-b`, idleExpiresAt: at(1000), expiresAt: at(5000) });

    expect((await sessions.findLive(`${op.id}-a`, at(500)))?.id).toBe(a.id);
    expect(await sessions.findLive(`${op.id}-a`, at(1500))).toBeNull();
    await sessions.touch(a.id, at(900), at(4000));
    expect((await sessions.findLive(`${op.id}-a`, at(3000)))?.id).toBe(a.id);
    expect(await sessions.findLive(`${op.id}-a`, at(6000))).toBeNull();

    expect(await sessions.deleteForOperator(op.id)).toBe(2);
    expect(await sessions.findLive(`${op.id}-a`, at(500))).toBeNull();
  });
});
