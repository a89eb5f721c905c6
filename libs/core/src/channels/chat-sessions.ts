/** One conversation (session) of the agent in a chat, as a platform may show it to the chat's user. */
export interface ChatSessionState {
  /** Set when the session is a thread of the chat. */
  threadId?: string;
  /** Set with /title. */
  title?: string;
  /** What answers in it: "provider:model", or the configured chain when the chat chose none. */
  model: string;
  /** User and assistant messages since it last started afresh (/new, a reset policy). */
  messageCount: number;
  lastActivityAt: Date;
  /** Messages of it wait for, or are getting, an answer. */
  busy: boolean;
}

/** A chat of one platform account. */
export interface ChatRef {
  platform: string;
  accountId: string;
  chatId: string;
}

/**
 * Port: the sessions of a chat, for adapters that show them on the platform (Slack's App Home).
 * The agent implements it (it knows models and turns), so channels read no storage of their own.
 */
export interface ChatSessionDirectory {
  /** The most recently active sessions of the chat (its threads included), newest first; at most `limit`. */
  sessionsOf(chat: ChatRef, limit: number): Promise<ChatSessionState[]>;
}

/** Injection token of the ChatSessionDirectory. */
export const CHAT_SESSION_DIRECTORY = Symbol('CHAT_SESSION_DIRECTORY');
