import { createHash } from 'node:crypto';
import { invalidRequest } from '../errors/openai-error';
import { ChatMessage, messageText } from './chat-completion.request';

export const SESSION_KEY_HEADER = 'x-session-key';
const MAX_CONVERSATION_NAME = 256;

export interface ConversationSource {
  /** The X-Session-Key header. */
  sessionKey?: string;
  /** The request's `user` field. */
  user?: string;
  messages: ChatMessage[];
}

/**
 * The conversation a request continues, as a chat id under the key: X-Session-Key, else `user`,
 * else the first user message (a client that resends the whole conversation each time stays in
 * one session). Prefixed with the key id, so two keys never share a session.
 */
export function conversationIdFor(keyId: string, source: ConversationSource): string {
  const named = source.sessionKey?.trim() || source.user?.trim();
  if (named) {
    if (named.length > MAX_CONVERSATION_NAME) throw invalidRequest(`X-Session-Key: expected at most ${MAX_CONVERSATION_NAME} characters`);
    return `${keyId}:${named}`;
  }
  const first = source.messages.find((message) => message.role === 'user');
  const digest = createHash('sha256').update(first ? messageText(first) : '').digest('hex').slice(0, 16);
  return `${keyId}:first-message:${digest}`;
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
