import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectConfig, SwitchboardConfig } from '@switchboard/config';
import { AdminSessionRecord, AdminSessionRepository, OperatorRecord } from '@switchboard/persistence';
import type { AdminPrincipal, AdminReply, AdminRequest } from '../http/admin-request';
import { readCookies, serializeCookie } from '../http/cookies';
import { RequestOrigin } from '../http/request-origin';

export const SESSION_COOKIE = 'sb_admin_session';
// Writing "last seen" on every request would make each console call a database write.
const TOUCH_AFTER_MS = 60_000;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Server-side console sessions behind an httpOnly, SameSite=Lax cookie (Secure over TLS or behind
 * a trusted TLS proxy), with an idle and an absolute timeout.
 */
@Injectable()
export class AdminSessions {
  private readonly idleMs: number;
  private readonly maxMs: number;

  constructor(
    private readonly sessions: AdminSessionRepository,
    private readonly origin: RequestOrigin,
    @InjectConfig() config: SwitchboardConfig,
  ) {
    this.idleMs = config.admin.sessionIdleMinutes * 60_000;
    this.maxMs = config.admin.sessionMaxHours * 3_600_000;
  }

  /** Starts a session for the operator and sets its cookie on the reply. */
  async start(operator: OperatorRecord, method: 'password' | 'sso' | 'setup', request: AdminRequest, reply: AdminReply): Promise<AdminPrincipal> {
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.maxMs);
    const session = await this.sessions.create({
      tokenHash: hashToken(token),
      operatorId: operator.id,
      csrfToken: randomBytes(32).toString('base64url'),
      method,
      ip: this.origin.clientIp(request),
      userAgent: this.origin.userAgent(request),
      createdAt: now,
      idleExpiresAt: new Date(Math.min(now.getTime() + this.idleMs, expiresAt.getTime())),
      expiresAt,
    });
    void reply.header('set-cookie', serializeCookie(SESSION_COOKIE, token, { path: '/', maxAgeSeconds: Math.floor(this.maxMs / 1000), secure: this.origin.isSecure(request) }));
    return { session, operator };
  }

  /** The live session of the request's cookie and its (enabled) operator; pushes the idle timeout on. */
  async resolve(request: AdminRequest): Promise<AdminPrincipal | null> {
    const token = readCookies(request.headers.cookie).get(SESSION_COOKIE);
    if (!token) return null;
    const now = new Date();
    const found = await this.sessions.findLiveWithOperator(hashToken(token), now);
    if (!found || found.operator.disabledAt) return null;
    const { session, operator } = found;
    if (now.getTime() - session.lastSeenAt.getTime() >= TOUCH_AFTER_MS) {
      const idleExpiresAt = new Date(Math.min(now.getTime() + this.idleMs, session.expiresAt.getTime()));
      await this.sessions.touch(session.id, now, idleExpiresAt);
      return { session: { ...session, lastSeenAt: now, idleExpiresAt }, operator };
    }
    return { session, operator };
  }

  async end(session: AdminSessionRecord, request: AdminRequest, reply: AdminReply): Promise<void> {
    await this.sessions.delete(session.id);
    this.clearCookie(request, reply);
  }

  /** Ends every session of the operator; returns how many. */
  endAll(operatorId: string, exceptSessionId?: string): Promise<number> {
    return this.sessions.deleteForOperator(operatorId, exceptSessionId);
  }

  clearCookie(request: AdminRequest, reply: AdminReply): void {
    void reply.header('set-cookie', serializeCookie(SESSION_COOKIE, '', { path: '/', maxAgeSeconds: 0, secure: this.origin.isSecure(request) }));
  }

  purgeExpired(now: Date): Promise<number> {
    return this.sessions.deleteExpired(now);
  }
}
