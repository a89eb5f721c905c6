import type { ScheduleRequest } from '@switchboard/agent';
import { DomainError, ErrorCode } from '@switchboard/core';

/** A schedule as `switchboard cron add` sends it: a chat target, or the home channel of a user. */
export interface CronAddBody {
  name?: unknown;
  cronExpression?: unknown;
  timeZone?: unknown;
  prompt?: unknown;
  chat?: { platform?: unknown; accountId?: unknown; chatType?: unknown; chatId?: unknown; threadId?: unknown };
  homeOf?: { platform?: unknown; userId?: unknown };
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new DomainError(ErrorCode.INVALID_INPUT, `${field}: expected a string`);
  return value;
}

/** The request of a body whose fields are strings where they should be (the service checks the rest). */
export function scheduleRequestOf(body: CronAddBody | undefined, createdBy: string): ScheduleRequest {
  const fields = { name: text(body?.name, 'name'), cronExpression: text(body?.cronExpression, 'cronExpression'), timeZone: text(body?.timeZone, 'timeZone'), prompt: text(body?.prompt, 'prompt') };
  if (body?.homeOf) return { ...fields, createdBy, destination: { homeOf: { platform: text(body.homeOf.platform, 'homeOf.platform'), userId: text(body.homeOf.userId, 'homeOf.userId') } } };
  const chat = body?.chat;
  if (!chat) throw new DomainError(ErrorCode.INVALID_INPUT, 'chat or homeOf: expected where the prompt is answered');
  const chatType = text(chat.chatType, 'chat.chatType');
  return {
    ...fields,
    createdBy,
    destination: {
      chat: {
        platform: text(chat.platform, 'chat.platform'),
        accountId: text(chat.accountId, 'chat.accountId'),
        chatType: chatType as 'dm',
        chatId: text(chat.chatId, 'chat.chatId'),
        threadId: chat.threadId === undefined || chat.threadId === null ? null : text(chat.threadId, 'chat.threadId'),
      },
    },
  };
}
