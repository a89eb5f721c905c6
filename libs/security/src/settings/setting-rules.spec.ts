import { describe, expect, it } from 'vitest';
import { dmPolicyChoices, settingKeys, settingRule } from './setting-rules';

const check = (key: string, value: unknown) => settingRule(key)!.check(value);

describe('settingRule', () => {
  it('accepts CIDRs and addresses for an IP list, normalized as the configuration parses them', () => {
    expect(check('security.webhookIpDeny', [' 10.0.0.0/8 ', '2001:db8::1'])).toEqual({ ok: true, value: ['10.0.0.0/8', '2001:db8::1'] });
    // The configuration's comma-separated form is accepted too.
    expect(check('security.trustedProxies', '10.0.0.1, 10.0.0.2')).toEqual({ ok: true, value: ['10.0.0.1', '10.0.0.2'] });
    expect(check('security.adminIpAllow', [])).toEqual({ ok: true, value: [] });
  });

  it('refuses what is not an address or range, naming the setting and the entry', () => {
    expect(check('security.webhookIpDeny', ['10.0.0.0/33'])).toEqual({ ok: false, problems: ['WEBHOOK_IP_DENY: "10.0.0.0/33" has a bad prefix length (0-32 for IPv4)'] });
    expect(check('security.controlIpAllow', ['example.com'])).toEqual({ ok: false, problems: ['CONTROL_IP_ALLOW: "example.com" is not an IP address or CIDR range'] });
    expect(check('security.trustedProxies', [''])).toMatchObject({ ok: false, problems: [expect.stringMatching(/^TRUSTED_PROXIES\[0\]: expected non-empty items/)] });
  });

  it('checks command permissions with the parser the gateway uses at start', () => {
    expect(check('security.commandPermissions', ' status:admins;reset:everyone ')).toEqual({ ok: true, value: 'status:admins;reset:everyone' });
    expect(check('security.commandPermissions', '')).toEqual({ ok: true, value: '' });
    expect(check('security.commandPermissions', 'help:admins')).toMatchObject({ ok: false, problems: [expect.stringMatching(/^GATEWAY_COMMAND_PERMISSIONS: "help:admins": \/help is always open/)] });
    expect(check('security.commandPermissions', 42)).toMatchObject({ ok: false, problems: [expect.stringMatching(/^GATEWAY_COMMAND_PERMISSIONS: /)] });
  });

  it('takes the DM policy values of the configuration and nothing else', () => {
    expect(check('telegram.dmPolicy', 'open')).toEqual({ ok: true, value: 'open' });
    expect(check('telegram.dmPolicy', 'everyone')).toEqual({ ok: false, problems: ['TELEGRAM_DM_POLICY: expected one of pairing, allowlist, open, disabled'] });
  });

  it('offers the DM policies the configuration accepts', () => {
    expect(dmPolicyChoices()).toEqual(['pairing', 'allowlist', 'open', 'disabled']);
  });

  it('switches a configured channel with a boolean only', () => {
    expect(check('telegram.enabled', false)).toEqual({ ok: true, value: false });
    expect(check('telegram.enabled', 'no')).toEqual({ ok: false, problems: ['telegram.enabled: expected true or false'] });
  });

  it('treats null as no value: resetting is a separate action', () => {
    expect(check('telegram.dmPolicy', null)).toEqual({ ok: false, problems: ['TELEGRAM_DM_POLICY: expected a value'] });
  });

  it('knows no rule for settings operators may not change at runtime', () => {
    for (const key of ['security.pairingCodeSecret', 'security.allowAllUsers', 'telegram.botToken', 'nowhere.dmPolicy', 'nowhere.enabled', 'telegram', 'a.b.c']) {
      expect(settingRule(key)).toBeUndefined();
    }
  });

  it('lists every key it has a rule for', () => {
    expect(settingKeys()).toEqual(expect.arrayContaining(['security.commandPermissions', 'security.webhookIpDeny', 'telegram.dmPolicy', 'telegram.enabled']));
    for (const key of settingKeys()) expect(settingRule(key)).toBeDefined();
  });
});
