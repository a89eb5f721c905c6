import { Injectable, Logger } from '@nestjs/common';
import { InjectConfig, SwitchboardConfig } from '@switchboard/config';
import { OperatorRecord, OperatorRepository } from '@switchboard/persistence';
import { AuditLog } from '../../audit/audit-log.service';
import type { Role } from '../../contract/permissions';
import type { ActorContext } from '../../http/admin-request';
import { parseRoleMap, roleFromClaim } from './role-map';

/** Why an SSO sign-in was refused; the console shows it on the sign-in page (?error=<code>). */
export class SsoRefusal extends Error {
  constructor(
    readonly code: 'sso_failed' | 'sso_no_role' | 'sso_unknown_operator' | 'sso_disabled' | 'sso_no_email',
    message: string,
  ) {
    super(message);
  }
}

export interface VerifiedIdentity {
  issuer: string;
  subject: string;
  email?: string;
  emailVerified?: boolean;
  name?: string;
  roleClaim: unknown;
}

/**
 * Turns an identity the provider vouched for into an operator: found by SSO subject, else linked
 * by email, else created when OIDC_JIT is on. The role follows OIDC_ROLE_MAP at every sign-in.
 */
@Injectable()
export class OidcSignIn {
  private readonly logger = new Logger('AdminSso');
  private readonly roleMap: Map<string, Role>;
  private readonly jit: boolean;

  constructor(
    private readonly operators: OperatorRepository,
    private readonly audit: AuditLog,
    @InjectConfig() config: SwitchboardConfig,
  ) {
    this.roleMap = parseRoleMap(config.oidc.roleMap ?? '');
    this.jit = config.oidc.jit;
  }

  async operatorFor(identity: VerifiedIdentity, context: Omit<ActorContext, 'actor'>): Promise<OperatorRecord> {
    const role = roleFromClaim(identity.roleClaim, this.roleMap);
    const who = identity.email ?? identity.subject;
    if (!role) throw new SsoRefusal('sso_no_role', `${who}: no value of the role claim is in OIDC_ROLE_MAP`);
    const ssoSubject = `${identity.issuer}#${identity.subject}`;
    const actor = { ...context, actor: `sso:${who}` };

    let operator = await this.operators.findBySsoSubject(ssoSubject);
    if (!operator) {
      if (!identity.email || identity.emailVerified === false) throw new SsoRefusal('sso_no_email', `${who}: the provider gave no verified email`);
      operator = await this.linkOrCreate(identity.email, ssoSubject, role, identity.name, actor);
    }
    if (operator.disabledAt) throw new SsoRefusal('sso_disabled', `${operator.email} is disabled`);
    if (operator.role !== role) {
      const before = operator;
      operator = (await this.audit.change(actor, () => this.operators.update(before.id, { role }), (after) =>
        after ? { action: 'operator.update', targetType: 'operator', targetId: before.email, before: { role: before.role }, after: { role } } : null,
      ))!;
    }
    return operator;
  }

  private async linkOrCreate(email: string, ssoSubject: string, role: Role, name: string | undefined, actor: ActorContext): Promise<OperatorRecord> {
    const existing = await this.operators.findByEmail(email);
    if (existing) {
      if (existing.ssoSubject) throw new SsoRefusal('sso_unknown_operator', `${email} is linked to another SSO identity`);
      return (await this.audit.change(actor, () => this.operators.update(existing.id, { ssoSubject }), () => ({
        action: 'operator.sso_link',
        targetType: 'operator',
        targetId: existing.email,
        after: { ssoSubject },
      })))!;
    }
    if (!this.jit) throw new SsoRefusal('sso_unknown_operator', `${email} is not an operator and OIDC_JIT is off`);
    const created = await this.audit.change(actor, () => this.operators.create({ email, role, displayName: name ?? null, ssoSubject }), (op) =>
      op ? { action: 'operator.create', targetType: 'operator', targetId: op.email, after: { email: op.email, role, ssoSubject, jit: true } } : null,
    );
    if (!created) throw new SsoRefusal('sso_unknown_operator', `${email}: could not create the operator`);
    this.logger.log(`created operator ${email} (${role}) at first SSO sign-in`);
    return created;
  }
}
