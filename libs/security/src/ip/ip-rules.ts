import { Injectable } from '@nestjs/common';
import { ConfigError, SwitchboardConfig } from '@switchboard/config';
import { RuntimeSettings } from '../settings/runtime-settings';
import { AddressList, normalizeAddress, parseAddressList } from './address-list';
import { RouteSurface, surfaceOfPath } from './route-surfaces';

/** Which HTTP surface a request reaches; each has its own allow and deny lists. */
export type IpSurface = 'webhook' | 'admin' | 'control';

export type IpRefusal = 'ip_denied' | 'ip_not_allowed' | 'bad_address';

export interface IpCheck {
  allowed: boolean;
  /** The address the rules were applied to (after trusted proxies); "" when there was none. */
  clientIp: string;
  reason?: IpRefusal;
}

export interface RouteCheck extends IpCheck {
  /** Undefined for a path outside ROUTE_SURFACES (no route serves it). */
  surface: RouteSurface | undefined;
}

interface SurfaceRules {
  allow: AddressList;
  deny: AddressList;
}

interface CompiledRules {
  trustedProxies: AddressList;
  surfaces: Record<IpSurface, SurfaceRules>;
}

/**
 * IP allow/deny lists per surface from the security config, with the operators' runtime changes
 * (RuntimeSettings: in force from the next request). Deny wins; an empty allow list allows every
 * address. Behind trusted proxies the client is read from X-Forwarded-For.
 */
@Injectable()
export class IpRules {
  // Replaced whole on a change, so a request never sees half of one.
  private lists: CompiledRules;

  constructor(settings: RuntimeSettings) {
    this.lists = compile(settings.config);
    settings.onChange(({ config }) => (this.lists = compile(config)));
  }

  /**
   * `remoteAddress` is the socket's peer; `forwardedFor` the X-Forwarded-For header(s), read only
   * when that peer is a trusted proxy.
   */
  check(surface: IpSurface, remoteAddress: string | undefined, forwardedFor?: string | string[]): IpCheck {
    const clientIp = this.clientAddress(remoteAddress, forwardedFor);
    if (clientIp === undefined) return { allowed: false, clientIp: '', reason: 'bad_address' };
    const rules = this.lists.surfaces[surface];
    if (rules.deny.has(clientIp)) return { allowed: false, clientIp, reason: 'ip_denied' };
    if (rules.allow.size > 0 && !rules.allow.has(clientIp)) return { allowed: false, clientIp, reason: 'ip_not_allowed' };
    return { allowed: true, clientIp };
  }

  /** Whether a (normalized) peer address is one of the trusted proxies in force. */
  isTrustedProxy(address: string): boolean {
    return this.lists.trustedProxies.has(address);
  }

  /**
   * The rules of the surface `url` belongs to (see ROUTE_SURFACES). `health`, and paths no route
   * serves, are open to every address.
   */
  checkRoute(url: string, remoteAddress: string | undefined, forwardedFor?: string | string[]): RouteCheck {
    const surface = surfaceOfPath(url);
    if (surface === undefined || surface === 'health') {
      return { allowed: true, clientIp: this.clientAddress(remoteAddress, forwardedFor) ?? '', surface };
    }
    return { ...this.check(surface, remoteAddress, forwardedFor), surface };
  }

  /**
   * Walks X-Forwarded-For from the right: each trusted proxy vouches for the address before it;
   * the first address that is not a trusted proxy is the client. A client may forge the left part
   * of the header, never the part our proxies appended.
   */
  private clientAddress(remoteAddress: string | undefined, forwardedFor?: string | string[]): string | undefined {
    let client = remoteAddress === undefined ? undefined : normalizeAddress(remoteAddress);
    if (client === undefined || !this.lists.trustedProxies.has(client)) return client;
    const hops = [forwardedFor ?? []].flat().join(',').split(',').filter((hop) => hop.trim() !== '');
    while (hops.length > 0 && this.lists.trustedProxies.has(client)) {
      const hop = normalizeAddress(hops.pop() as string);
      // Garbage written after a trusted proxy means the chain cannot be believed.
      if (hop === undefined) return undefined;
      client = hop;
    }
    return client;
  }
}

/** The lists of the settings; a ConfigError names every entry that is not an address or range. */
function compile(config: SwitchboardConfig): CompiledRules {
  const s = config.security;
  const problems: string[] = [];
  const trustedProxies = parseAddressList('TRUSTED_PROXIES', s.trustedProxies, problems);
  const surfaces = {
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
  return { trustedProxies, surfaces };
}
