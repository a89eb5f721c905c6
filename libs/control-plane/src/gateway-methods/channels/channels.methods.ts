import { Injectable } from '@nestjs/common';
import { ChannelRegistry } from '@switchboard/core';
import { ReadinessService } from '@switchboard/observability';
import { CoreMethodParams } from '../../ws/protocol/method-params.schema';
import { ControlPlaneServer } from '../../ws/server/control-plane.server';
import { MethodGroup } from '../method-group';

/** `channels.status`: each configured channel, probed now (bounded in time) like /ready does. */
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
    const adapters = this.channels.all();
    const probes = await Promise.all(adapters.map((adapter) => this.readiness.run({ name: adapter.id, check: () => adapter.healthProbe() })));
    const channels = Object.fromEntries(
      probes.map((probe) => [
        probe.name,
        // One account per platform for now: "default".
        { configured: true, connected: probe.ok, accountId: 'default', ...probe.details, ...(probe.error ? { lastError: probe.error } : {}) },
      ]),
    );
    return { ts: Date.now(), channelOrder: adapters.map((adapter) => adapter.id), channels };
  }
}
