import { randomUUID } from 'node:crypto';
import type { InboundMessage } from '@switchboard/core';

/**
 * A direct message from `userId` (chat `chat-<userId>`, display name `User <userId>`), with a
 * fresh platform message id; `overrides` replace any field.
 */
export function inboundDm(platform: string, userId: string, overrides: Partial<InboundMessage> = {}): InboundMessage {
  return {
    platform,
    accountId: 'default',
    chatType: 'dm',
    chatId: `chat-${userId}`,
    platformMessageId: randomUUID(),
    sender: { id: userId, displayName: `User ${userId}` },
    text: 'hello',
    attachments: [],
    mentionsBot: false,
    repliesToBot: false,
    receivedAt: new Date(),
    ...overrides,
  };
}
