import { Injectable } from '@nestjs/common';
import { ChannelRegistry, ReadinessProbe } from '@switchboard/core';

/** One readiness probe per configured channel, named `channel:<id>`. */
@Injectable()
export class ChannelProbes {
  constructor(private readonly channels: ChannelRegistry) {}

  list(): ReadinessProbe[] {
    return this.channels.all().map((channel) => ({
      name: `channel:${channel.id}`,
      check: () => channel.healthProbe(),
    }));
  }
}
