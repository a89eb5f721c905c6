import { Injectable } from '@nestjs/common';
import { channelAccessConfig } from '@switchboard/config';
import { RuntimeSettings } from '../settings/runtime-settings';

export type DmPolicy = 'pairing' | 'allowlist' | 'open' | 'disabled';

/** The access keys every platform block of the configuration has (see channelAccessSchema). */
export interface ChannelAccess {
  allowedUsers: string[];
  adminUsers: string[];
  dmPolicy: DmPolicy;
  allowedGroups: string[];
}

// A platform without a block in the configuration gets the schema's defaults: default-deny.
const DEFAULT_ACCESS: ChannelAccess = { allowedUsers: [], adminUsers: [], dmPolicy: 'pairing', allowedGroups: [] };

/**
 * The user and group lists and DM policy of the configuration, with the operators' runtime
 * changes (the DM policy may be one; the database allowlist is separate).
 */
@Injectable()
export class AccessLists {
  constructor(private readonly settings: RuntimeSettings) {}

  private get config() {
    return this.settings.config;
  }

  /** GATEWAY_ALLOW_ALL_USERS: anyone may talk to the agent in direct messages. */
  get allowAllUsers(): boolean {
    return this.config.security.allowAllUsers;
  }

  channel(platform: string): ChannelAccess {
    const block = channelAccessConfig(this.config, platform);
    if (!block) return DEFAULT_ACCESS;
    const { allowedUsers, adminUsers, dmPolicy, allowedGroups } = block;
    return { allowedUsers, adminUsers, dmPolicy, allowedGroups };
  }

  /** In security.adminUsers or <platform>.adminUsers. */
  isAdmin(platform: string, userId: string): boolean {
    return this.config.security.adminUsers.includes(userId) || this.channel(platform).adminUsers.includes(userId);
  }

  /** In security.allowedUsers or <platform>.allowedUsers. */
  isListed(platform: string, userId: string): boolean {
    return this.config.security.allowedUsers.includes(userId) || this.channel(platform).allowedUsers.includes(userId);
  }
}
