import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SwitchboardConfig } from '@switchboard/config';
import { AuditRepository, OperatorRepository, Transactions } from '@switchboard/persistence';
import { TestDatabase, openTestDatabase } from '@switchboard/persistence/security/testing-databases';
import { AuditLog } from '../../audit/audit-log.service';
import { OidcSignIn, SsoRefusal } from './oidc-sign-in';

const ISSUER = 'https://idp.example.com';
const config = (jit: boolean) => ({ oidc: { roleMap: 'sb-admins:admin,sb-ops:operator', jit } }) as unknown as SwitchboardConfig;

describe('OidcSignIn on pglite', () => {
  let database: TestDatabase;
  let operators: OperatorRepository;
  let audit: AuditRepository;
  const signIn = (jit: boolean) => new OidcSignIn(operators, new AuditLog(audit, new Transactions(database.db)), config(jit));
  const identity = (email: string, groups: unknown, subject = email) => ({ issuer: ISSUER, subject, email, emailVerified: true, roleClaim: groups });

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    operators = new OperatorRepository(database.db);
    audit = new AuditRepository(database.db);
  });
  afterAll(() => database.close());

  it('refuses an unknown operator while JIT is off, and creates them with the mapped role when on', async () => {
    await expect(signIn(false).operatorFor(identity('new@example.com', ['sb-ops']), {})).rejects.toMatchObject({ code: 'sso_unknown_operator' });
    expect(await operators.findByEmail('new@example.com')).toBeNull();

    const created = await signIn(true).operatorFor(identity('new@example.com', ['sb-ops']), {});
    expect(created).toMatchObject({ email: 'new@example.com', role: 'operator', ssoSubject: `${ISSUER}#new@example.com`, passwordHash: null });
    expect((await audit.page({ action: 'operator.create' }, 5))[0]).toMatchObject({ actor: 'sso:new@example.com', targetId: 'new@example.com' });
  });

  it('refuses an identity whose claim maps to no role', async () => {
    const refusal = signIn(true).operatorFor(identity('nobody@example.com', ['staff']), {});
    await expect(refusal).rejects.toBeInstanceOf(SsoRefusal);
    await expect(refusal).rejects.toMatchObject({ code: 'sso_no_role' });
  });

  it('links an operator created beforehand by email, then follows the role the provider gives', async () => {
    await operators.create({ email: 'pre@example.com', role: 'auditor' });
    const linked = await signIn(false).operatorFor(identity('pre@example.com', ['sb-admins'], 'sub-123'), {});
    expect(linked).toMatchObject({ email: 'pre@example.com', role: 'admin', ssoSubject: `${ISSUER}#sub-123` });
    // Found by subject next time, whatever the email says now.
    const again = await signIn(false).operatorFor({ ...identity('renamed@example.com', ['sb-ops'], 'sub-123') }, {});
    expect(again).toMatchObject({ id: linked.id, role: 'operator' });
  });

  it('refuses a disabled operator and an unverified email', async () => {
    const op = (await operators.create({ email: 'gone@example.com', role: 'operator', ssoSubject: `${ISSUER}#gone` }))!;
    await operators.update(op.id, { disabledAt: new Date() });
    await expect(signIn(true).operatorFor(identity('gone@example.com', ['sb-ops'], 'gone'), {})).rejects.toMatchObject({ code: 'sso_disabled' });
    await expect(signIn(true).operatorFor({ ...identity('x@example.com', ['sb-ops']), emailVerified: false }, {})).rejects.toMatchObject({ code: 'sso_no_email' });
  });
});
