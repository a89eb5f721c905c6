import { Injectable } from '@nestjs/common';
import { channelAccessConfig } from '@switchboard/config';
import { ChannelRegistry, DomainError, ErrorCode } from '@switchboard/core';
import { SecuritySettingRepository, Transactions } from '@switchboard/persistence';
import { RuntimeSettings, SettingsSync, accessPlatforms, dmPolicyChoices, settingRule } from '@switchboard/security';
import { AuditLog } from '../audit/audit-log.service';
import { IP_RULE_FIELDS, SecuritySettings, SecuritySettingsUpdate, SettingSource } from '../contract/settings.schemas';
import type { ActorContext } from '../http/admin-request';
import { invalidFields } from '../http/admin-errors';

/** One setting to change: its key, the body field that named it, and the new value (null: reset). */
interface SettingChange {
  key: string;
  field: string;
  value: unknown;
}

/**
 * The security settings and channel switches as operators change them at runtime: checked by the
 * configuration's rules, stored as overrides with their audit event in one transaction, then put
 * in force here and announced to the other replicas (SettingsSync).
 */
@Injectable()
export class SettingsAdmin {
  constructor(
    private readonly runtime: RuntimeSettings,
    private readonly sync: SettingsSync,
    private readonly stored: SecuritySettingRepository,
    private readonly transactions: Transactions,
    private readonly audit: AuditLog,
    private readonly registry: ChannelRegistry,
  ) {}

  async security(): Promise<SecuritySettings> {
    const config = this.runtime.config;
    const s = config.security;
    const source = (key: string): SettingSource => (this.runtime.overrides.has(key) ? 'console' : 'config');
    // Per platform: every account of a platform has its access settings.
    const platforms = this.registry.platforms().flatMap((platform) => {
      const access = channelAccessConfig(config, platform);
      if (!access) return [];
      const { dmPolicy, allowedUsers, adminUsers, allowedGroups } = access;
      return [{ platform, dmPolicy, dmPolicySource: source(`${platform}.dmPolicy`), allowedUsers, adminUsers, allowedGroups }];
    });
    const changes = (await this.stored.list())
      .filter((setting) => this.runtime.overrides.has(setting.key))
      .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime())
      .map((setting) => ({ key: setting.key, version: setting.version, updatedBy: setting.updatedBy, updatedAt: setting.updatedAt.toISOString() }));
    return {
      dmPolicyChoices: dmPolicyChoices(),
      platforms,
      commands: {
        commandPermissions: s.commandPermissions ?? null,
        source: source('security.commandPermissions'),
        adminUsers: s.adminUsers,
        allowAllUsers: s.allowAllUsers,
        rateLimitPerMinute: s.rateLimitPerMinute,
        rateLimitPerHour: s.rateLimitPerHour,
      },
      ipRules: Object.fromEntries(IP_RULE_FIELDS.map((field) => [field, { value: s[field], source: source(`security.${field}`) }])) as SecuritySettings['ipRules'],
      changes,
    };
  }

  /** Applies every change of `update` or, when one is refused, none (400 naming each bad field). */
  async updateSecurity(update: SecuritySettingsUpdate, actor: ActorContext): Promise<SecuritySettings> {
    const changes: SettingChange[] = [];
    for (const [field, value] of Object.entries(update)) {
      if (field === 'dmPolicy') {
        for (const [platform, policy] of Object.entries(value as Record<string, string | null>)) changes.push({ key: `${platform}.dmPolicy`, field: `dmPolicy.${platform}`, value: policy });
      } else {
        changes.push({ key: `security.${field}`, field, value });
      }
    }
    await this.apply(changes, actor);
    return this.security();
  }

  /**
   * Switches a channel (every account of the platform) on or off on every replica; on is the
   * default, so switching on removes the override.
   */
  async setChannelEnabled(platform: string, enabled: boolean, actor: ActorContext): Promise<void> {
    if (this.registry.accounts(platform).length === 0 || !accessPlatforms().includes(platform)) {
      throw new DomainError(ErrorCode.NOT_FOUND, `no channel ${platform} is configured`);
    }
    await this.apply([{ key: `${platform}.enabled`, field: 'enabled', value: enabled ? null : false }], actor, { channel: platform });
  }

  private async apply(changes: SettingChange[], actor: ActorContext, options: { channel?: string } = {}): Promise<void> {
    const problems: Record<string, string> = {};
    const values = new Map<string, unknown>();
    for (const change of changes) {
      const rule = settingRule(change.key);
      if (!rule) {
        problems[change.field] = `no such setting (${change.key})`;
        continue;
      }
      if (change.value === null) continue;
      const checked = rule.check(change.value);
      if (checked.ok) values.set(change.key, checked.value);
      else problems[change.field] = checked.problems.join('; ');
    }
    if (Object.keys(problems).length) throw invalidFields(problems);

    const changed = await this.transactions.run(async () => {
      const keys: string[] = [];
      for (const change of changes) {
        const before = await this.stored.find(change.key);
        const reset = change.value === null;
        const after = values.get(change.key);
        if (reset ? !before : before && same(before.value, after)) continue;
        if (reset) await this.stored.remove(change.key);
        else await this.stored.put(change.key, after, actor.actor);
        keys.push(change.key);
        const configured = this.configured(change.key);
        await this.audit.record(actor, {
          ...(options.channel
            ? { action: reset ? 'channel.enable' : 'channel.disable', targetType: 'channel', targetId: options.channel }
            : { action: reset ? 'settings.reset' : 'settings.change', targetType: 'setting', targetId: change.key }),
          before: before ? { value: before.value, source: 'console', version: before.version } : { value: configured, source: 'config' },
          after: reset ? { value: configured, source: 'config' } : { value: after, source: 'console', version: (before?.version ?? 0) + 1 },
        });
      }
      return keys;
    });
    if (changed.length) await this.sync.announce(changed);
  }

  /** The configuration's value of a key: what a reset returns to (channels: on). */
  private configured(key: string): unknown {
    const [section, name] = key.split('.');
    if (name === 'enabled') return true;
    return (this.runtime.configured as unknown as Record<string, Record<string, unknown>>)[section]?.[name] ?? null;
  }
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
