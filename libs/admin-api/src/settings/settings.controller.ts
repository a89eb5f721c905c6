import { Req } from '@nestjs/common';
import { type ChannelAdapter, ChannelRegistry } from '@switchboard/core';
import { configKeys } from '@switchboard/config';
import { RuntimeSettings } from '@switchboard/security';
import type { ChannelState, ChannelUpdateRequest, SecuritySettings, SecuritySettingsUpdate } from '../contract/settings.schemas';
import { ADMIN_ROUTES as R } from '../contract/routes';
import { consoleActor } from '../http/actor';
import type { AdminPrincipal, AdminRequest } from '../http/admin-request';
import { AdminController, AdminRoute, Input, Principal } from '../http/admin-route.decorator';
import { RequestOrigin } from '../http/request-origin';
import { SettingsAdmin } from './settings-admin.service';

const MASK = '••••';
const PROBE_TIMEOUT_MS = 3_000;

type Masked = string | number | boolean | string[] | null;

@AdminController('settings')
export class SettingsController {
  constructor(
    private readonly registry: ChannelRegistry,
    private readonly runtime: RuntimeSettings,
    private readonly settings: SettingsAdmin,
    private readonly origin: RequestOrigin,
  ) {}

  /** Each channel's health probes (the ones /ready runs, one per account) and its configuration, secrets masked. */
  @AdminRoute(R.channelList)
  async channels(): Promise<{ items: ChannelState[] }> {
    return { items: await Promise.all(this.registry.platforms().map((platform) => this.channelState(platform))) };
  }

  @AdminRoute(R.channelUpdate)
  async updateChannel(@Input('params') params: { platform: string }, @Input('body') body: ChannelUpdateRequest, @Principal() p: AdminPrincipal, @Req() request: AdminRequest): Promise<ChannelState> {
    await this.settings.setChannelEnabled(params.platform, body.enabled, consoleActor(p, request, this.origin));
    return this.channelState(params.platform);
  }

  @AdminRoute(R.securitySettings)
  security(): Promise<SecuritySettings> {
    return this.settings.security();
  }

  @AdminRoute(R.securityUpdate)
  updateSecurity(@Input('body') body: SecuritySettingsUpdate, @Principal() p: AdminPrincipal, @Req() request: AdminRequest): Promise<SecuritySettings> {
    return this.settings.updateSecurity(body, consoleActor(p, request, this.origin));
  }

  private async channelState(platform: string): Promise<ChannelState> {
    const channels = this.registry.accounts(platform);
    const config = this.maskedSection(platform);
    if (!this.runtime.channelEnabled(platform)) {
      const accounts = channels.map((channel) => ({ accountId: channel.accountId, state: 'disabled' as const, detail: null }));
      return { platform, state: 'disabled', enabled: false, detail: 'disabled by an operator', config, accounts };
    }
    const accounts = await Promise.all(channels.map((channel) => this.probe(channel)));
    const down = accounts.filter((account) => account.state === 'down');
    if (down.length === 0) return { platform, state: 'up', enabled: true, detail: null, config, accounts };
    const detail = accounts.length === 1 ? down[0].detail : down.map((account) => `${account.accountId}: ${account.detail}`).join('; ');
    return { platform, state: 'down', enabled: true, detail, config, accounts };
  }

  private async probe(channel: ChannelAdapter): Promise<ChannelState['accounts'][number]> {
    try {
      await Promise.race([channel.healthProbe(), new Promise((_, reject) => setTimeout(() => reject(new Error('health probe timed out')), PROBE_TIMEOUT_MS).unref())]);
      return { accountId: channel.accountId, state: 'up', detail: null };
    } catch (error) {
      return { accountId: channel.accountId, state: 'down', detail: (error as Error).message };
    }
  }

  // The settings in force: an operator's DM policy shows here too. The named accounts are listed
  // beside the configuration, not in it: their settings are one secret map.
  private maskedSection(section: string): Record<string, Masked> {
    const out: Record<string, Masked> = {};
    for (const key of configKeys.filter((k) => k.path[0] === section && k.path.length === 2 && k.path[1] !== 'accounts')) {
      const value = (this.runtime.config as unknown as Record<string, Record<string, unknown>>)[section]?.[key.path[1]];
      out[key.path[1]] = value === undefined || value === null ? null : key.secret ? MASK : (value as Masked);
    }
    return out;
  }
}
