import { Injectable } from '@nestjs/common';
import { type ReadinessProbe, channelName } from '@switchboard/core';
import { ChannelLifecycle } from './channel-lifecycle';

/**
 * One readiness probe per configured channel account, named `channel:<platform>` for the default
 * account and `channel:<platform>:<account>` for another, reporting its state: ready
 * when receiving (and the platform answers), on standby while another replica holds its lease,
 * or `disabled` by an operator (on purpose, so not a reason to take the replica out of service).
 */
@Injectable()
export class ChannelProbes {
  constructor(private readonly lifecycle: ChannelLifecycle) {}

  list(): ReadinessProbe[] {
    return this.lifecycle.runs().map(({ channel }) => ({
      name: `channel:${channelName(channel)}`,
      check: async () => {
        // Looked up at each check: the channel may have been switched since the list was made.
        const supervisor = this.lifecycle.runs().find((run) => run.channel === channel)?.supervisor;
        return supervisor ? supervisor.check() : { state: 'disabled' };
      },
    }));
  }
}
