import { buildSessionKey } from '@switchboard/sessions';
import { ControlPlaneError, DetailCodes, ErrorCodes } from '../../ws/protocol/protocol-error';

/** The platform id of conversations held over the control plane (stored like any chat's). */
export const WEBCHAT_PLATFORM = 'webchat';

/** The conversation `agent` runs in when the client names no session (openclaw-node's default). */
export const DEFAULT_CONVERSATION = 'main';

const CONVERSATION_ID = /^[A-Za-z0-9._:@+-]{1,128}$/;

/** A web chat conversation: its full session key and its id on the webchat surface. */
export interface WebchatConversation {
  sessionKey: string;
  conversationId: string;
}

/**
 * The full session key a client means: keys starting with `agent:` as given, a bare name as the
 * web chat conversation of that name (`main` → `agent:<agentId>:webchat:dm:main`).
 */
export function resolveSessionKey(agentId: string, key: string): string {
  return key.startsWith('agent:') ? key : buildSessionKey(agentId, { platform: WEBCHAT_PLATFORM, chatType: 'dm', chatId: key });
}

/**
 * The web chat conversation a chat request runs in: `agent:<agentId>:webchat:dm:<id>` (created on
 * first use) or a bare `<id>`. Sessions of chat platforms are refused: an answer produced here
 * would sit in that chat's history without the people in the chat ever seeing it.
 */
export function webchatConversation(agentId: string, key: string): WebchatConversation {
  const sessionKey = resolveSessionKey(agentId, key);
  const prefix = buildSessionKey(agentId, { platform: WEBCHAT_PLATFORM, chatType: 'dm', chatId: '' });
  if (!sessionKey.startsWith(prefix)) {
    throw invalidSession(`session ${key} is not a web chat of agent ${agentId}: chat in ${prefix}<name> sessions (or pass a bare name)`);
  }
  const conversationId = sessionKey.slice(prefix.length);
  if (!CONVERSATION_ID.test(conversationId)) {
    throw invalidSession('a web chat name is 1-128 characters of A-Z a-z 0-9 . _ : @ + -');
  }
  return { sessionKey, conversationId };
}

function invalidSession(message: string): ControlPlaneError {
  return new ControlPlaneError(ErrorCodes.INVALID_REQUEST, message, { details: { code: DetailCodes.INVALID_PARAMS } });
}
