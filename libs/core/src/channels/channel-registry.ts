import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '../errors/domain-error';
import { CHANNEL_ADAPTERS, ChannelAdapter, DEFAULT_ACCOUNT } from './channel-adapter';

/**
 * The configured channel adapters by platform id and account id (a platform may have several
 * accounts, one adapter each). Two adapters of one account stop the boot.
 */
@Injectable()
export class ChannelRegistry {
  private readonly byPlatform = new Map<string, Map<string, ChannelAdapter>>();

  constructor(@Inject(CHANNEL_ADAPTERS) adapters: ChannelAdapter[]) {
    for (const adapter of adapters) {
      const accounts = this.byPlatform.get(adapter.id) ?? new Map<string, ChannelAdapter>();
      if (accounts.has(adapter.accountId)) throw new Error(`two channel adapters have the id "${adapter.id}" and the account "${adapter.accountId}"`);
      accounts.set(adapter.accountId, adapter);
      this.byPlatform.set(adapter.id, accounts);
    }
  }

  get(platform: string, accountId: string): ChannelAdapter {
    const adapter = this.find(platform, accountId);
    if (!adapter) throw new DomainError(ErrorCode.PERMANENT, `no channel "${platform}" with the account "${accountId}" is configured`);
    return adapter;
  }

  find(platform: string, accountId: string): ChannelAdapter | undefined {
    return this.byPlatform.get(platform)?.get(accountId);
  }

  /** The adapters of one platform, one per account (none when the platform is not configured). */
  accounts(platform: string): ChannelAdapter[] {
    return [...(this.byPlatform.get(platform)?.values() ?? [])];
  }

  /** The platforms with at least one account, in configuration order. */
  platforms(): string[] {
    return [...this.byPlatform.keys()];
  }

  all(): ChannelAdapter[] {
    return [...this.byPlatform.values()].flatMap((accounts) => [...accounts.values()]);
  }
}

/**
 * How a channel is named in /ready probes (`channel:<name>`), logs and status: `telegram` for a
 * platform's default account, `telegram:support` for another one.
 */
export function channelName(channel: Pick<ChannelAdapter, 'id' | 'accountId'>): string {
  return channel.accountId === DEFAULT_ACCOUNT ? channel.id : `${channel.id}:${channel.accountId}`;
}
