import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '../database';
import { DATABASE } from '../database.token';
import type { ScheduleTarget } from './scheduled-prompt.repository';

/** The chat each user chose with /sethome, where their scheduled prompts are answered. */
@Injectable()
export class HomeChannelRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** Makes `target` the home channel of the user `userId` of `platform`. */
  async set(platform: string, userId: string, target: Omit<ScheduleTarget, 'platform'>): Promise<void> {
    await this.db.prisma.homeChannel.upsert({
      where: { platform_userId: { platform, userId } },
      create: { platform, userId, ...target },
      update: target,
    });
  }

  async find(platform: string, userId: string): Promise<ScheduleTarget | null> {
    const row = await this.db.prisma.homeChannel.findUnique({ where: { platform_userId: { platform, userId } } });
    return row ? { platform: row.platform, accountId: row.accountId, chatType: row.chatType, chatId: row.chatId, threadId: row.threadId } : null;
  }
}
