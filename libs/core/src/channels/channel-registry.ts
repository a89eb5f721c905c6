import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '../errors/domain-error';
import { CHANNEL_ADAPTERS, ChannelAdapter } from './channel-adapter';

/** The configured channel adapters by platform id. Two adapters with one id stop the boot. */
@Injectable()
export class ChannelRegistry {
  private readonly byId = new Map<string, ChannelAdapter>();

  constructor(@Inject(CHANNEL_ADAPTERS) adapters: ChannelAdapter[]) {
    for (const adapter of adapters) {
      if (this.byId.has(adapter.id)) throw new Error(`two channel adapters have the id "${adapter.id}"`);
      this.byId.set(adapter.id, adapter);
    }
  }

  get(platform: string): ChannelAdapter {
    const adapter = this.byId.get(platform);
    if (!adapter) throw new DomainError(ErrorCode.PERMANENT, `no channel "${platform}" is configured`);
    return adapter;
  }

  find(platform: string): ChannelAdapter | undefined {
    return this.byId.get(platform);
  }

  all(): ChannelAdapter[] {
    return [...this.byId.values()];
  }
}
