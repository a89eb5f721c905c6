/**
 * Every job the gateway queues: name → payload. Each name is its own queue. Payloads carry ids,
 * not data: the processor loads the current state, checks idempotency, then calls a use case.
 */
export interface JobMap {
  /** An accepted inbound message (its row is the durable record) waiting for its agent turn. */
  'message.process': { messageId: string; sessionKey: string };
  /**
   * A short message from the gateway itself to a chat (pairing approved, a turn that failed, ...).
   * With `replaceMessageId`, that message of the bot (a half-written draft) is edited to the text.
   */
  'channel.notify': { platform: string; accountId: string; chatId: string; threadId?: string; text: string; replaceMessageId?: string };
}

export type JobName = keyof JobMap & string;

export const JOB_NAMES: readonly JobName[] = ['message.process', 'channel.notify'];
