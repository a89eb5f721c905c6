import { Injectable } from '@nestjs/common';
import { IpRules } from '@switchboard/security';
import { normalizeAddress } from '@switchboard/security/ip/address-list';
import type { AdminRequest } from './admin-request';

/** Where a request comes from: the client address (after trusted proxies) and whether it used TLS. */
@Injectable()
export class RequestOrigin {
  // The trusted proxies in force, an operator's change included.
  constructor(private readonly ipRules: IpRules) {}

  clientIp(request: AdminRequest): string | null {
    return this.ipRules.check('admin', request.raw.socket.remoteAddress, request.headers['x-forwarded-for']).clientIp || null;
  }

  userAgent(request: AdminRequest): string | null {
    return request.headers['user-agent']?.slice(0, 300) ?? null;
  }

  /** TLS to us, or to a trusted proxy that says so in X-Forwarded-Proto. */
  isSecure(request: AdminRequest): boolean {
    if ((request.raw.socket as { encrypted?: boolean }).encrypted) return true;
    const peer = normalizeAddress(request.raw.socket.remoteAddress ?? '');
    if (peer === undefined || !this.ipRules.isTrustedProxy(peer)) return false;
    const proto = [request.headers['x-forwarded-proto'] ?? []].flat().join(',').split(',')[0]?.trim().toLowerCase();
    return proto === 'https';
  }
}
