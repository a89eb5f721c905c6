import { type ChatType, DEFAULT_ACCOUNT } from '@switchboard/core';

export interface SessionScope {
  platform: string;
  /** The platform account (bot) the chat is with; unset means the default one. */
  accountId?: string;
  chatType: ChatType;
  chatId: string;
  threadId?: string;
}

/**
 * `agent:<agentId>:<platform>:<chatType>:<chatId>[:<threadId>]` — one session per agent and chat
 * (and thread), so two chats never share history. A chat with another account than the default
 * one has `<platform>@<accountId>` in place of the platform: two bots in one group hold two
 * conversations, and the keys of default accounts stay what they were before accounts existed.
 */
export function buildSessionKey(agentId: string, scope: SessionScope): string {
  const account = scope.accountId ?? DEFAULT_ACCOUNT;
  const platform = account === DEFAULT_ACCOUNT ? scope.platform : `${scope.platform}@${account}`;
  const base = `agent:${agentId}:${platform}:${scope.chatType}:${scope.chatId}`;
  return scope.threadId ? `${base}:${scope.threadId}` : base;
}
