import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OperatorRepository } from '../operators/operator.repository';
import { TEST_DATABASE_KINDS, TestDatabase, openTestDatabase } from '../security/testing-databases';
import { AdminSessionRepository } from './admin-session.repository';

const t0 = new Date('2030-01-01T10:00:00.250Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

describe.each(TEST_DATABASE_KINDS)('AdminSessionRepository on %s', (kind) => {
  let database: TestDatabase;
  let sessions: AdminSessionRepository;
  let operators: OperatorRepository;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    sessions = new AdminSessionRepository(database.db);
    operators = new OperatorRepository(database.db);
  });
  afterAll(() => database.close());

  async function signedIn() {
    const operator = (await operators.create({ email: `${randomBytes(4).toString('hex')}@example.com`, role: 'auditor', displayName: 'Ada', passwordHash: 'hash' }))!;
    const tokenHash = randomBytes(32).toString('hex');
    const session = await sessions.create({ tokenHash, operatorId: operator.id, csrfToken: 'csrf', method: 'password', ip: '127.0.0.1', userAgent: 'test', createdAt: t0, idleExpiresAt: at(60_000), expiresAt: at(3_600_000) });
    return { operator, tokenHash, session };
  }

  it('finds a live session with its operator, every field as the repositories read them', async () => {
    const { operator, tokenHash, session } = await signedIn();
    await database.db.prisma.operator.update({ where: { id: operator.id }, data: { lockedUntil: at(5), lastLoginAt: at(1), failedLogins: 2 } });

    const found = await sessions.findLiveWithOperator(tokenHash, at(1_000));

    expect(found).toEqual({ session, operator: await operators.findById(operator.id) });
    expect(found?.operator.lockedUntil).toEqual(at(5));
  });

  it('finds nothing for another token, or once the idle or the absolute timeout passed', async () => {
    const { tokenHash, session } = await signedIn();

    expect(await sessions.findLiveWithOperator(randomBytes(32).toString('hex'), at(1_000))).toBeNull();
    expect(await sessions.findLiveWithOperator(tokenHash, at(60_000))).toBeNull();
    await sessions.touch(session.id, at(50_000), at(4_000_000));
    expect(await sessions.findLiveWithOperator(tokenHash, at(60_000))).not.toBeNull();
    expect(await sessions.findLiveWithOperator(tokenHash, at(3_600_000))).toBeNull();
  });
});
