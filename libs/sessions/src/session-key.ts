import type { ChatType } from '@switchboard/core';

export interface SessionScope {
  platform: string;
  chatType: ChatType;
  chatId: string;
  threadId?: string;
}

/**
 * `agent:<agentId>:<platform>:<chatType>:<chatId>[:<threadId>]` — one session per agent and chat
 * (and thread), so two chats never share history.
 */
export function buildSessionKey(agentId: string, scope: SessionScope): string {
  const base = `agent:${agentId}:${scope.platform}:${scope.chatType}:${scope.chatId}`;
  return scope.threadId ? `${base}:${scope.threadId}` : base;
}
