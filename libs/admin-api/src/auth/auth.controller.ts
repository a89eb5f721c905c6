import { Logger, Req, Res, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { OperatorRecord } from '@switchboard/persistence';
import { AuditLog } from '../audit/audit-log.service';
import type { AuthConfigResponse, ChangePasswordRequest, SessionResponse, SetupRequest } from '../contract/auth.schemas';
import { ROLE_PERMISSIONS } from '../contract/permissions';
import { ADMIN_API_PREFIX, ADMIN_ROUTES as R } from '../contract/routes';
import { consoleActor } from '../http/actor';
import type { AdminPrincipal, AdminReply, AdminRequest } from '../http/admin-request';
import { AdminController, AdminRoute, Input, Principal } from '../http/admin-route.decorator';
import { readCookies, serializeCookie } from '../http/cookies';
import { RequestOrigin } from '../http/request-origin';
import { OperatorAccounts } from '../operators/operator-accounts.service';
import { AdminSessions } from './admin-sessions.service';
import { OidcClient, PendingSso } from './oidc/oidc-client';
import { OidcSignIn, SsoRefusal } from './oidc/oidc-sign-in';
import { SetupLink } from './setup-link';

const SSO_COOKIE = 'sb_admin_sso';
const SSO_COOKIE_PATH = `${ADMIN_API_PREFIX}/auth/oidc`;
const CONSOLE = '/admin/';
const CONSOLE_LOGIN = '/admin/login/';

export function sessionResponse({ session, operator }: AdminPrincipal): SessionResponse {
  return {
    operator: { id: operator.id, email: operator.email, displayName: operator.displayName, role: operator.role },
    permissions: [...ROLE_PERMISSIONS[operator.role]],
    csrfToken: session.csrfToken,
    expiresAt: session.expiresAt.toISOString(),
    idleExpiresAt: session.idleExpiresAt.toISOString(),
  };
}

@AdminController('auth')
export class AuthController {
  private readonly logger = new Logger('AdminSso');

  constructor(
    private readonly sessions: AdminSessions,
    private readonly origin: RequestOrigin,
    private readonly audit: AuditLog,
    private readonly setup: SetupLink,
    private readonly accounts: OperatorAccounts,
    private readonly oidc: OidcClient,
    private readonly oidcSignIn: OidcSignIn,
  ) {}

  @AdminRoute(R.authConfig)
  async config(): Promise<AuthConfigResponse> {
    return { local: true, sso: { enabled: this.oidc.enabled, startUrl: `${ADMIN_API_PREFIX}${R.oidcStart.path}` }, setupRequired: await this.setup.required() };
  }

  @AdminRoute(R.login)
  @UseGuards(AuthGuard('admin-local'))
  async login(@Req() request: AdminRequest & { user: OperatorRecord }, @Res({ passthrough: true }) reply: AdminReply): Promise<SessionResponse> {
    return sessionResponse(await this.signIn(request.user, 'password', request, reply));
  }

  @AdminRoute(R.setup)
  async createFirstOwner(@Input('body') body: SetupRequest, @Req() request: AdminRequest, @Res({ passthrough: true }) reply: AdminReply): Promise<SessionResponse> {
    const owner = await this.setup.createOwner(body, { actor: 'setup', ip: this.origin.clientIp(request), userAgent: this.origin.userAgent(request) });
    return sessionResponse(await this.signIn(owner, 'setup', request, reply));
  }

  @AdminRoute(R.oidcStart)
  async ssoStart(@Req() request: AdminRequest, @Res() reply: AdminReply): Promise<void> {
    if (!this.oidc.enabled) return void reply.redirect(`${CONSOLE_LOGIN}?error=sso_off`, 302);
    try {
      const { url, pending } = await this.oidc.start();
      void reply.header('set-cookie', serializeCookie(SSO_COOKIE, JSON.stringify(pending), { path: SSO_COOKIE_PATH, maxAgeSeconds: 600, secure: this.origin.isSecure(request) }));
      return void reply.redirect(url, 302);
    } catch (error) {
      this.logger.error(`SSO start failed: ${(error as Error).message}`);
      return void reply.redirect(`${CONSOLE_LOGIN}?error=sso_failed`, 302);
    }
  }

  @AdminRoute(R.oidcCallback)
  async ssoCallback(@Req() request: AdminRequest, @Res() reply: AdminReply): Promise<void> {
    const pending = parsePending(readCookies(request.headers.cookie).get(SSO_COOKIE));
    // Spent whatever the outcome: a code or state is good for one try.
    void reply.header('set-cookie', serializeCookie(SSO_COOKIE, '', { path: SSO_COOKIE_PATH, maxAgeSeconds: 0, secure: this.origin.isSecure(request) }));
    try {
      if (!pending) throw new SsoRefusal('sso_failed', 'no sign-in in progress (cookie missing or expired)');
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
      const identity = await this.oidc.finish(query, pending).catch((error: Error) => {
        throw new SsoRefusal('sso_failed', error.message);
      });
      const operator = await this.oidcSignIn.operatorFor(identity, { ip: this.origin.clientIp(request), userAgent: this.origin.userAgent(request) });
      await this.signIn(operator, 'sso', request, reply);
      return void reply.redirect(CONSOLE, 302);
    } catch (error) {
      const code = error instanceof SsoRefusal ? error.code : 'sso_failed';
      this.logger.warn(`SSO sign-in refused: ${(error as Error).message}`);
      return void reply.redirect(`${CONSOLE_LOGIN}?error=${code}`, 302);
    }
  }

  @AdminRoute(R.session)
  current(@Principal() principal: AdminPrincipal): SessionResponse {
    return sessionResponse(principal);
  }

  @AdminRoute(R.logout)
  async logout(@Principal() principal: AdminPrincipal, @Req() request: AdminRequest, @Res({ passthrough: true }) reply: AdminReply) {
    await this.audit.change(consoleActor(principal, request, this.origin), () => this.sessions.end(principal.session, request, reply), () => ({
      action: 'auth.logout',
      targetType: 'operator',
      targetId: principal.operator.email,
    }));
    return { ok: true as const };
  }

  @AdminRoute(R.logoutEverywhere)
  async logoutEverywhere(@Principal() principal: AdminPrincipal, @Req() request: AdminRequest, @Res({ passthrough: true }) reply: AdminReply) {
    const endedSessions = await this.audit.change(consoleActor(principal, request, this.origin), () => this.sessions.endAll(principal.operator.id), (ended) => ({
      action: 'auth.logout_everywhere',
      targetType: 'operator',
      targetId: principal.operator.email,
      after: { endedSessions: ended },
    }));
    this.sessions.clearCookie(request, reply);
    return { endedSessions };
  }

  @AdminRoute(R.changePassword)
  async changePassword(@Principal() principal: AdminPrincipal, @Input('body') body: ChangePasswordRequest, @Req() request: AdminRequest) {
    await this.accounts.changePassword(principal.operator, body.currentPassword, body.newPassword, principal.session.id, consoleActor(principal, request, this.origin));
    return { ok: true as const };
  }

  private async signIn(operator: OperatorRecord, method: 'password' | 'sso' | 'setup', request: AdminRequest, reply: AdminReply): Promise<AdminPrincipal> {
    const context = { actor: `console:${operator.email}`, operatorId: operator.id, ip: this.origin.clientIp(request), userAgent: this.origin.userAgent(request) };
    return this.audit.change(context, () => this.sessions.start(operator, method, request, reply), () => ({
      action: 'auth.login',
      targetType: 'operator',
      targetId: operator.email,
      after: { method },
    }));
  }
}

function parsePending(value: string | undefined): PendingSso | null {
  if (!value) return null;
  try {
    const parsed = JSON.parse(value) as Partial<PendingSso>;
    return typeof parsed.state === 'string' && typeof parsed.nonce === 'string' && typeof parsed.verifier === 'string'
      ? { state: parsed.state, nonce: parsed.nonce, verifier: parsed.verifier }
      : null;
  } catch {
    return null;
  }
}
