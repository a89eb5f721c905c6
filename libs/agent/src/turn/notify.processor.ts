import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ChannelRegistry } from '@switchboard/core';
import { JobContext, JobMap, QUEUE_DRIVER, QueueDriver } from '@switchboard/queue';

/**
 * Consumes `channel.notify` jobs: a short message from the gateway itself to a chat (pairing
 * approved, ...). Queued rather than sent inline so it survives restarts and is retried.
 */
@Injectable()
export class NotifyProcessor implements OnApplicationBootstrap {
  constructor(
    @Inject(QUEUE_DRIVER) private readonly queue: QueueDriver,
    private readonly channels: ChannelRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.process('channel.notify', (job) => this.handle(job));
  }

  async handle(job: JobContext<JobMap['channel.notify']>): Promise<void> {
    const { platform, accountId, chatId, threadId, text } = job.payload;
    const channel = this.channels.find(platform);
    if (!channel) return; // the channel was removed from the configuration since
    await channel.send({ platform, accountId, chatId, threadId }, { text });
  }
}
