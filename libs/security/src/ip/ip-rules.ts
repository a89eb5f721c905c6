import { Injectable } from '@nestjs/common';
import { ConfigError, InjectConfig, SwitchboardConfig } from '@switchboard/config';
import { AddressList, normalizeAddress, parseAddressList } from './address-list';

/** Which HTTP surface a request reaches; each has its own allow and deny lists. */
export type IpSurface = 'webhook' | 'admin' | 'control';

export type IpRefusal = 'ip_denied' | 'ip_not_allowed' | 'bad_address';

export interface IpCheck {
  allowed: boolean;
  /** The address the rules were applied to (after trusted proxies); "" when there was none. */
  clientIp: string;
  reason?: IpRefusal;
}

interface SurfaceRules {
  allow: AddressList;
  deny: AddressList;
}

/**
 * IP allow/deny lists per surface from the security config. Deny wins; an empty allow list
 * allows every address. Behind trusted proxies the client is read from X-Forwarded-For.
 */
@Injectable()
export class IpRules {
  private readonly trustedProxies: AddressList;
  private readonly surfaces: Record<IpSurface, SurfaceRules>;

  constructor(@InjectConfig() config: SwitchboardConfig) {
    const s = config.security;
    const problems: string[] = [];
    this.trustedProxies = parseAddressList('TRUSTED_PROXIES', s.trustedProxies, problems);
    this.surfaces = {
      webhook: {
        allow: parseAddressList('WEBHOOK_IP_ALLOW', s.webhookIpAllow, problems),
        deny: parseAddressList('WEBHOOK_IP_DENY', s.webhookIpDeny, problems),
      },
      admin: {
        allow: parseAddressList('ADMIN_IP_ALLOW', s.adminIpAllow, problems),
        deny: parseAddressList('ADMIN_IP_DENY', s.adminIpDeny, problems),
      },
      control: {
        allow: parseAddressList('CONTROL_IP_ALLOW', s.controlIpAllow, problems),
        deny: parseAddressList('CONTROL_IP_DENY', s.controlIpDeny, problems),
      },
    };
    if (problems.length) throw new ConfigError(problems);
  }

  /**
   * `remoteAddress` is the socket's peer; `forwardedFor` the X-Forwarded-For header(s), read only
   * when that peer is a trusted proxy.
   */
  check(surface: IpSurface, remoteAddress: string | undefined, forwardedFor?: string | string[]): IpCheck {
    const clientIp = this.clientAddress(remoteAddress, forwardedFor);
    if (clientIp === undefined) return { allowed: false, clientIp: '', reason: 'bad_address' };
    const rules = this.surfaces[surface];
    if (rules.deny.has(clientIp)) return { allowed: false, clientIp, reason: 'ip_denied' };
    if (rules.allow.size > 0 && !rules.allow.has(clientIp)) return { allowed: false, clientIp, reason: 'ip_not_allowed' };
    return { allowed: true, clientIp };
  }

  /**
   * Walks X-Forwarded-For from the right: each trusted proxy vouches for the address before it;
   * the first address that is not a trusted proxy is the client. A client may forge the left part
   * of the header, never the part our proxies appended.
   */
  private clientAddress(remoteAddress: string | undefined, forwardedFor?: string | string[]): string | undefined {
    let client = remoteAddress === undefined ? undefined : normalizeAddress(remoteAddress);
    if (client === undefined || !this.trustedProxies.has(client)) return client;
    const hops = [forwardedFor ?? []].flat().join(',').split(',').filter((hop) => hop.trim() !== '');
    while (hops.length > 0 && this.trustedProxies.has(client)) {
      const hop = normalizeAddress(hops.pop() as string);
      // Garbage written after a trusted proxy means the chain cannot be believed.
      if (hop === undefined) return undefined;
      client = hop;
    }
    return client;
  }
}
