import { describe, expect, it } from 'vitest';
import { ConfigError, configSchema } from '@switchboard/config';
import { RuntimeSettings } from '../settings/runtime-settings';
import { IpRules } from './ip-rules';

type SecuritySettings = Partial<Record<'trustedProxies' | 'webhookIpAllow' | 'webhookIpDeny' | 'adminIpAllow' | 'adminIpDeny' | 'controlIpAllow' | 'controlIpDeny', string[]>>;

const rules = (security: SecuritySettings) => new IpRules(new RuntimeSettings(configSchema.parse({ security })));

describe('IpRules', () => {
  it('allows every address on a surface without lists', () => {
    expect(rules({}).check('webhook', '203.0.113.9')).toEqual({ allowed: true, clientIp: '203.0.113.9' });
  });

  it('allows only listed ranges and addresses when an allow list is set', () => {
    const ip = rules({ adminIpAllow: ['10.0.0.0/8', '192.0.2.7'] });
    expect(ip.check('admin', '10.20.30.40').allowed).toBe(true);
    expect(ip.check('admin', '192.0.2.7').allowed).toBe(true);
    expect(ip.check('admin', '192.0.2.8')).toEqual({ allowed: false, clientIp: '192.0.2.8', reason: 'ip_not_allowed' });
    // Each surface has its own lists.
    expect(ip.check('webhook', '192.0.2.8').allowed).toBe(true);
  });

  it('lets deny win over allow', () => {
    const ip = rules({ controlIpAllow: ['10.0.0.0/8'], controlIpDeny: ['10.9.0.0/16'] });
    expect(ip.check('control', '10.9.1.1')).toEqual({ allowed: false, clientIp: '10.9.1.1', reason: 'ip_denied' });
    expect(ip.check('control', '10.8.1.1').allowed).toBe(true);
  });

  it('handles IPv6 ranges and single addresses', () => {
    const ip = rules({ webhookIpAllow: ['2001:db8::/32', '::1'], webhookIpDeny: ['2001:db8:bad::/48'] });
    expect(ip.check('webhook', '2001:db8:1::5').allowed).toBe(true);
    expect(ip.check('webhook', '0:0:0:0:0:0:0:1').allowed).toBe(true);
    expect(ip.check('webhook', '2001:db8:bad::1').reason).toBe('ip_denied');
    expect(ip.check('webhook', '2001:db9::1').reason).toBe('ip_not_allowed');
  });

  it('treats an IPv4-mapped IPv6 socket address as IPv4', () => {
    const ip = rules({ webhookIpAllow: ['127.0.0.1'] });
    expect(ip.check('webhook', '::ffff:127.0.0.1')).toEqual({ allowed: true, clientIp: '127.0.0.1' });
  });

  it('refuses a request without a usable address', () => {
    expect(rules({}).check('webhook', undefined)).toEqual({ allowed: false, clientIp: '', reason: 'bad_address' });
  });

  describe('behind trusted proxies', () => {
    const ip = rules({ trustedProxies: ['10.0.0.1', '172.16.0.0/12', 'fd00::/8'], webhookIpDeny: ['198.51.100.0/24'] });

    it('ignores X-Forwarded-For from a peer that is not a trusted proxy', () => {
      expect(ip.check('webhook', '203.0.113.5', '198.51.100.1').clientIp).toBe('203.0.113.5');
    });

    it('takes the client from X-Forwarded-For sent by a trusted proxy', () => {
      expect(ip.check('webhook', '10.0.0.1', '198.51.100.1')).toEqual({ allowed: false, clientIp: '198.51.100.1', reason: 'ip_denied' });
    });

    it('walks from the right past every trusted proxy and ignores what the client wrote before', () => {
      // The client forged "198.51.100.1"; our proxies appended the real address and each other.
      expect(ip.check('webhook', '10.0.0.1', '198.51.100.1, 203.0.113.5, 172.16.3.3').clientIp).toBe('203.0.113.5');
    });

    it('reads X-Forwarded-For sent as several headers, with ports and IPv6', () => {
      expect(ip.check('webhook', '::ffff:10.0.0.1', ['198.51.100.1', '[2001:db8::9]:4711, fd00::2']).clientIp).toBe('2001:db8::9');
      expect(ip.check('webhook', '10.0.0.1', '203.0.113.5:5000').clientIp).toBe('203.0.113.5');
    });

    it('uses the proxy itself when it sent no X-Forwarded-For', () => {
      expect(ip.check('webhook', '10.0.0.1').clientIp).toBe('10.0.0.1');
      expect(ip.check('webhook', '10.0.0.1', '').clientIp).toBe('10.0.0.1');
    });

    it('refuses a chain with garbage right of a trusted proxy', () => {
      expect(ip.check('webhook', '10.0.0.1', 'not-an-ip, 172.16.0.2')).toEqual({ allowed: false, clientIp: '', reason: 'bad_address' });
    });
  });

  it('follows an operator\'s change of the trusted proxies from the next request', () => {
    const settings = new RuntimeSettings(configSchema.parse({ security: { trustedProxies: ['10.0.0.1'] } }));
    const ip = new IpRules(settings);
    expect(ip.isTrustedProxy('10.0.0.1')).toBe(true);
    settings.apply(new Map([['security.trustedProxies', ['10.0.0.2']]]));
    expect(ip.isTrustedProxy('10.0.0.1')).toBe(false);
    expect(ip.check('webhook', '10.0.0.2', '203.0.113.5').clientIp).toBe('203.0.113.5');
    expect(ip.check('webhook', '10.0.0.1', '203.0.113.5').clientIp).toBe('10.0.0.1');
  });

  it('refuses invalid entries at construction, naming each one and its setting', () => {
    let error: unknown;
    try {
      rules({ trustedProxies: ['10.0.0.0/33'], webhookIpAllow: ['10.0.0.300'], adminIpDeny: ['2001:db8::/129', 'fe80::/64/1'], controlIpAllow: ['10.0.0.0/x'] });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'TRUSTED_PROXIES: "10.0.0.0/33" has a bad prefix length (0-32 for IPv4)',
      'WEBHOOK_IP_ALLOW: "10.0.0.300" is not an IP address or CIDR range',
      'ADMIN_IP_DENY: "2001:db8::/129" has a bad prefix length (0-128 for IPv6)',
      'ADMIN_IP_DENY: "fe80::/64/1" is not an IP address or CIDR range',
      'CONTROL_IP_ALLOW: "10.0.0.0/x" has a bad prefix length (0-32 for IPv4)',
    ]);
  });
});
