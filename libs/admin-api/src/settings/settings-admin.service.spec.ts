import { HttpException, Logger } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelegramAdapter } from '@switchboard/channels/telegram/telegram.adapter';
import { configSchema } from '@switchboard/config';
import { ChannelRegistry } from '@switchboard/core';
import { AuditRepository, SecuritySettingRepository, Transactions } from '@switchboard/persistence';
import { TEST_DATABASE_KINDS, TestDatabase, openTestDatabase } from '@switchboard/persistence/security/testing-databases';
import { IpRules, RuntimeSettings, SettingsSync } from '@switchboard/security';
import { AuditLog } from '../audit/audit-log.service';
import { SettingsAdmin } from './settings-admin.service';

const config = configSchema.parse({ security: { webhookIpDeny: ['192.0.2.0/24'], commandPermissions: 'status:admins' }, telegram: { dmPolicy: 'allowlist' } });

/** The 400 body of a refused change. */
async function refusal(work: Promise<unknown>): Promise<{ code: string; fields: Record<string, string> }> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HttpException);
  expect((error as HttpException).getStatus()).toBe(400);
  return ((error as HttpException).getResponse() as { error: { code: string; fields: Record<string, string> } }).error;
}

describe.each(TEST_DATABASE_KINDS)('SettingsAdmin on %s', (kind) => {
  let database: TestDatabase;
  let admin: SettingsAdmin;
  let audit: AuditRepository;
  let runtime: RuntimeSettings;
  let ip: IpRules;
  const actor = { actor: 'console:owner@example.com' };

  beforeAll(async () => {
    Logger.overrideLogger(false);
    database = await openTestDatabase(kind);
    const transactions = new Transactions(database.db);
    audit = new AuditRepository(database.db);
    const stored = new SecuritySettingRepository(database.db);
    runtime = new RuntimeSettings(config);
    ip = new IpRules(runtime);
    const sync = new SettingsSync(stored, runtime, null);
    await sync.onModuleInit();
    const registry = new ChannelRegistry([new TelegramAdapter({ botToken: '1:x', mode: 'polling', apiRoot: 'http://127.0.0.1:9' })]);
    admin = new SettingsAdmin(runtime, sync, stored, transactions, new AuditLog(audit, transactions), registry);
    afterAll(() => sync.onApplicationShutdown());
  });
  afterAll(() => database.close());

  it('shows the configuration as the source until an operator changes a setting', async () => {
    const settings = await admin.security();
    expect(settings.platforms).toEqual([expect.objectContaining({ platform: 'telegram', dmPolicy: 'allowlist', dmPolicySource: 'config' })]);
    expect(settings.ipRules.webhookIpDeny).toEqual({ value: ['192.0.2.0/24'], source: 'config' });
    expect(settings.commands).toMatchObject({ commandPermissions: 'status:admins', source: 'config' });
    expect(settings.dmPolicyChoices).toEqual(['pairing', 'allowlist', 'open', 'disabled']);
    expect(settings.changes).toEqual([]);
  });

  it('changes several settings together, puts them in force at once and audits each with before and after', async () => {
    const settings = await admin.updateSecurity({ webhookIpDeny: ['198.51.100.7'], dmPolicy: { telegram: 'open' } }, actor);
    expect(settings.ipRules.webhookIpDeny).toEqual({ value: ['198.51.100.7'], source: 'console' });
    expect(settings.platforms[0]).toMatchObject({ dmPolicy: 'open', dmPolicySource: 'console' });
    expect(settings.changes.map((c) => c.key).sort()).toEqual(['security.webhookIpDeny', 'telegram.dmPolicy']);
    expect(ip.check('webhook', '198.51.100.7').reason).toBe('ip_denied');

    const events = await audit.page({ action: 'settings.' }, 10);
    expect(events.map((e) => [e.action, e.targetId]).sort()).toEqual([
      ['settings.change', 'security.webhookIpDeny'],
      ['settings.change', 'telegram.dmPolicy'],
    ]);
    const dm = events.find((e) => e.targetId === 'telegram.dmPolicy')!;
    expect(dm).toMatchObject({ actor: 'console:owner@example.com', targetType: 'setting', before: { value: 'allowlist', source: 'config' }, after: { value: 'open', source: 'console', version: 1 } });
  });

  it('refuses a bad value with 400 naming each bad field, and changes nothing, not even the good fields', async () => {
    const before = (await audit.page({}, 100)).length;
    const error = await refusal(
      admin.updateSecurity({ controlIpDeny: ['10.0.0.0/99'], commandPermissions: 'help:admins', dmPolicy: { telegram: 'everyone', nowhere: 'open' }, adminIpDeny: ['203.0.113.1'] }, actor),
    );
    expect(error.code).toBe('INVALID_INPUT');
    expect(Object.keys(error.fields).sort()).toEqual(['commandPermissions', 'controlIpDeny', 'dmPolicy.nowhere', 'dmPolicy.telegram']);
    expect(error.fields.controlIpDeny).toMatch(/CONTROL_IP_DENY: "10.0.0.0\/99" has a bad prefix length/);
    expect(error.fields['dmPolicy.telegram']).toMatch(/expected one of pairing, allowlist, open, disabled/);

    const settings = await admin.security();
    expect(settings.ipRules.adminIpDeny.source).toBe('config');
    expect(ip.check('admin', '203.0.113.1').allowed).toBe(true);
    expect((await audit.page({}, 100)).length).toBe(before);
  });

  it('resets a setting to the configuration with null, audited; resetting again records nothing', async () => {
    await admin.updateSecurity({ webhookIpDeny: null }, actor);
    expect(ip.check('webhook', '198.51.100.7').allowed).toBe(true);
    expect(ip.check('webhook', '192.0.2.1').reason).toBe('ip_denied');
    const [reset] = await audit.page({ action: 'settings.reset' }, 10);
    expect(reset).toMatchObject({ targetId: 'security.webhookIpDeny', before: { value: ['198.51.100.7'], source: 'console' }, after: { value: ['192.0.2.0/24'], source: 'config' } });

    await admin.updateSecurity({ webhookIpDeny: null }, actor);
    expect(await audit.page({ action: 'settings.reset' }, 10)).toHaveLength(1);
  });

  it('switches a channel off and on again, each switch audited', async () => {
    await admin.setChannelEnabled('telegram', false, actor);
    expect(runtime.channelEnabled('telegram')).toBe(false);
    await admin.setChannelEnabled('telegram', true, actor);
    expect(runtime.channelEnabled('telegram')).toBe(true);
    const events = await audit.page({ targetType: 'channel' }, 10);
    expect(events.map((e) => [e.action, e.targetId, e.before, e.after])).toEqual([
      ['channel.enable', 'telegram', { value: false, source: 'console', version: 1 }, { value: true, source: 'config' }],
      ['channel.disable', 'telegram', { value: true, source: 'config' }, { value: false, source: 'console', version: 1 }],
    ]);
    await expect(admin.setChannelEnabled('slack', false, actor)).rejects.toThrow('no channel slack is configured');
  });
});
