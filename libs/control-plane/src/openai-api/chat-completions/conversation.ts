import { randomUUID } from 'node:crypto';
import type { LlmMessage } from '@switchboard/providers';
import { invalidRequest } from '../errors/openai-error';
import { ChatMessage, messageText } from './chat-completion.request';

export const SESSION_KEY_HEADER = 'x-session-key';
const MAX_CONVERSATION_NAME = 256;

export interface ConversationSource {
  /** The X-Session-Key header. */
  sessionKey?: string;
  /** The request's `user` field. */
  user?: string;
}

export interface Conversation {
  /** The chat id under the key: the session it continues. */
  id: string;
  /** No session hint: a session of its own, whose history is the request's earlier messages. */
  stateless: boolean;
}

/**
 * The conversation a request continues, as a chat id under the key: X-Session-Key, else `user`.
 * Without either, the request is a conversation of its own (as OpenAI's API is stateless), so
 * unrelated clients never wait for each other's turns. Prefixed with the key id, so two keys never
 * share a session.
 */
export function conversationFor(keyId: string, source: ConversationSource): Conversation {
  const named = source.sessionKey?.trim() || source.user?.trim();
  if (!named) return { id: `${keyId}:request:${randomUUID()}`, stateless: true };
  if (named.length > MAX_CONVERSATION_NAME) throw invalidRequest(`X-Session-Key: expected at most ${MAX_CONVERSATION_NAME} characters`);
  return { id: `${keyId}:${named}`, stateless: false };
}

/**
 * The user and assistant messages before the last user message, as the history of a stateless
 * request (system and tool messages are not used: AGENT_SYSTEM_PROMPT stands in for the former).
 */
export function earlierMessagesOf(messages: ChatMessage[]): LlmMessage[] {
  const last = messages.findLastIndex((message) => message.role === 'user');
  return messages.slice(0, Math.max(last, 0)).flatMap((message): LlmMessage[] => {
    const text = messageText(message);
    if (!text.trim() || (message.role !== 'user' && message.role !== 'assistant')) return [];
    return [{ role: message.role, content: text }];
  });
}

/**
 * The text to answer: the last user message. Earlier messages of the request are not used: the
 * session's stored history supplies the conversation.
 */
export function newInputOf(messages: ChatMessage[]): string {
  const index = messages.findLastIndex((message) => message.role === 'user');
  if (index < 0) throw invalidRequest("Invalid value for 'messages': expected at least one user message", 'messages');
  const text = messageText(messages[index]);
  if (!text.trim()) throw invalidRequest(`Invalid value for 'messages[${index}].content': the last user message has no text`, `messages[${index}].content`);
  return text;
}
