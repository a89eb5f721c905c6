import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ChannelRegistry } from '@switchboard/core';
import { InboundPipeline } from './inbound/inbound-pipeline';

/** Starts every channel at boot, feeding the pipeline; stops them first at shutdown. */
@Injectable()
export class ChannelLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Channels');

  constructor(
    private readonly channels: ChannelRegistry,
    private readonly pipeline: InboundPipeline,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const channel of this.channels.all()) {
      // A platform that is down at boot must not keep the gateway from starting; /ready shows it.
      try {
        await channel.start(this.pipeline.accept);
        this.logger.log(`${channel.id} started`);
      } catch (error) {
        this.logger.error(`${channel.id} did not start: ${error instanceof Error ? error.message : error}`);
      }
    }
  }

  // Before the queue drains: no new input while in-flight work finishes, and what was acked is queued.
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(
      this.channels.all().map((channel) =>
        channel.stop().catch((error: unknown) => this.logger.warn(`${channel.id} stop: ${error instanceof Error ? error.message : error}`)),
      ),
    );
    await this.pipeline.queued();
  }
}
