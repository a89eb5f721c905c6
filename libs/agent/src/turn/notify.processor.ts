import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ChannelRegistry } from '@switchboard/core';
import { JobContext, JobMap, QUEUE_DRIVER, QueueDriver } from '@switchboard/queue';

/**
 * Consumes `channel.notify` jobs: a short message from the gateway itself to a chat (pairing
 * approved, a turn that failed, ...). Queued rather than sent inline so it survives restarts and
 * is retried. One that replaces a message of the bot edits it (a retry edits it to the same text).
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
    const { platform, accountId, chatId, threadId, text, replaceMessageId } = job.payload;
    const channel = this.channels.find(platform, accountId);
    if (!channel) return; // the channel (or this account of it) was removed from the configuration since
    const target = { platform, accountId, chatId, threadId };
    if (replaceMessageId && channel.capabilities.edit) await channel.edit(target, replaceMessageId, text);
    else await channel.send(target, { text });
  }
}
