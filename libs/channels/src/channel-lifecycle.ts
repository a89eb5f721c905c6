import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CHAT_SESSION_DIRECTORY, ChannelAdapter, ChannelRegistry, type ChatSessionDirectory, channelName } from '@switchboard/core';
import { SwitchboardMetrics } from '@switchboard/observability';
import { LEASE_DRIVER, type LeaseDriver } from '@switchboard/queue';
import { RuntimeSettings } from '@switchboard/security';
import { ChannelSupervisor } from './channel-supervisor';
import { InboundPipeline } from './inbound/inbound-pipeline';

/** A configured channel (one account of a platform) and, while it is enabled, the supervisor that keeps it receiving. */
export interface ChannelRun {
  channel: ChannelAdapter;
  /** Undefined while an operator has the channel disabled (`<platform>.enabled` false). */
  supervisor: ChannelSupervisor | undefined;
}

/**
 * Runs every enabled channel from boot to shutdown, each account under its supervisor: started
 * with retries, long connections only while this replica holds their lease. An operator's switch
 * (RuntimeSettings, per platform: every account of it) stops or starts a channel at once, on every
 * replica; shutdown stops them first.
 */
@Injectable()
export class ChannelLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Channels');
  private readonly supervisors = new Map<string, ChannelSupervisor>();
  // Switches apply one after the other: a quick off-on-off ends off.
  private switching: Promise<void> = Promise.resolve();
  private shuttingDown = false;

  constructor(
    private readonly channels: ChannelRegistry,
    private readonly pipeline: InboundPipeline,
    @Inject(LEASE_DRIVER) private readonly leases: LeaseDriver,
    private readonly metrics: SwitchboardMetrics,
    private readonly settings: RuntimeSettings,
    @Inject(CHAT_SESSION_DIRECTORY) private readonly sessions: ChatSessionDirectory,
  ) {}

  /** Every configured channel, enabled or not. */
  runs(): ChannelRun[] {
    return this.channels.all().map((channel) => ({ channel, supervisor: this.supervisors.get(channelName(channel)) }));
  }

  /** Whether the channel receives (an operator has not disabled it). */
  enabled(platform: string): boolean {
    return this.settings.channelEnabled(platform);
  }

  // A platform that is down at boot must not keep the gateway from starting: its supervisor
  // retries in the background and /ready shows it meanwhile.
  async onApplicationBootstrap(): Promise<void> {
    this.settings.onChange(() => void this.applySwitches());
    for (const platform of this.channels.platforms()) {
      if (!this.settings.channelEnabled(platform)) this.logger.log(`${platform}: disabled by an operator, not started`);
    }
    await this.applySwitches();
  }

  // Before the queue drains: no new input while in-flight work finishes, and what was acked is queued.
  async beforeApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    await this.switching;
    await Promise.all([...this.supervisors.values()].map((supervisor) => supervisor.stop()));
    await this.pipeline.queued();
  }

  /** Starts the enabled channels that are not running and stops the disabled ones that are. */
  private applySwitches(): Promise<void> {
    const next = this.switching.then(async () => {
      if (this.shuttingDown) return;
      await Promise.all(this.channels.all().map((channel) => this.switchChannel(channel)));
    });
    this.switching = next.catch((error: unknown) => this.logger.error(`switching channels failed: ${error instanceof Error ? error.message : String(error)}`));
    return this.switching;
  }

  private async switchChannel(channel: ChannelAdapter): Promise<void> {
    const name = channelName(channel);
    const running = this.supervisors.get(name);
    const enabled = this.settings.channelEnabled(channel.id);
    if (enabled && !running) {
      const supervisor = new ChannelSupervisor(channel, { sink: this.pipeline.accept, sessions: this.sessions }, this.leases, this.metrics);
      this.supervisors.set(name, supervisor);
      await supervisor.start();
    } else if (!enabled && running) {
      this.supervisors.delete(name);
      await running.stop();
      this.logger.log(`${name}: disabled by an operator, not receiving`);
    }
  }
}

