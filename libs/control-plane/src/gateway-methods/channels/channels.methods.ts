import { Injectable } from '@nestjs/common';
import { ChannelRegistry, DEFAULT_ACCOUNT, channelName } from '@switchboard/core';
import { ReadinessService } from '@switchboard/observability';
import { CoreMethodParams } from '../../ws/protocol/method-params.schema';
import { ControlPlaneServer } from '../../ws/server/control-plane.server';
import { MethodGroup } from '../method-group';

/**
 * `channels.status`: each configured channel, probed now (bounded in time) like /ready does. A
 * platform's entry in `channels` is its default account (else its first one); `channelAccounts`
 * lists every account of it.
 */
@Injectable()
export class ChannelsMethods implements MethodGroup {
  constructor(
    private readonly channels: ChannelRegistry,
    private readonly readiness: ReadinessService,
  ) {}

  register(server: ControlPlaneServer): void {
    server.registerMethod('channels.status', {
      scope: 'operator.read',
      schema: CoreMethodParams['channels.status'],
      handler: () => this.status(),
    });
  }

  private async status() {
    const platforms = this.channels.platforms();
    const channelAccounts = Object.fromEntries(
      await Promise.all(
        platforms.map(async (platform) => {
          const accounts = await Promise.all(
            this.channels.accounts(platform).map(async (adapter) => {
              const probe = await this.readiness.run({ name: channelName(adapter), check: () => adapter.healthProbe() });
              return { configured: true, connected: probe.ok, accountId: adapter.accountId, ...probe.details, ...(probe.error ? { lastError: probe.error } : {}) };
            }),
          );
          return [platform, accounts] as const;
        }),
      ),
    );
    const primary = (platform: string) => channelAccounts[platform].find((account) => account.accountId === DEFAULT_ACCOUNT) ?? channelAccounts[platform][0];
    return {
      ts: Date.now(),
      channelOrder: platforms,
      channels: Object.fromEntries(platforms.map((platform) => [platform, primary(platform)])),
      channelAccounts,
      channelDefaultAccountId: Object.fromEntries(platforms.map((platform) => [platform, primary(platform).accountId])),
    };
  }
}
