import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ChannelRegistry, channelName } from '@switchboard/core';
import { ChatCommandRegistry } from './command-registry';

/** Publishes the chat commands as the command menu of every platform that has one, at start. */
@Injectable()
export class CommandMenuPublisher implements OnApplicationBootstrap {
  private readonly logger = new Logger('CommandMenu');

  constructor(
    private readonly channels: ChannelRegistry,
    private readonly commands: ChatCommandRegistry,
  ) {}

  onApplicationBootstrap(): void {
    // Not awaited: a platform that is slow or away must not hold up the start; its menu is set at the next one.
    void this.publish();
  }

  async publish(): Promise<void> {
    const menu = this.commands.menu();
    await Promise.all(
      this.channels.all().map(async (channel) => {
        if (!channel.setCommands) return;
        try {
          await channel.setCommands(menu);
        } catch (error) {
          this.logger.warn(`command menu of ${channelName(channel)} not set: ${error instanceof Error ? error.message : error}`);
        }
      }),
    );
  }
}
