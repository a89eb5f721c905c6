import { ControlPlaneError, DetailCodes, ErrorCodes } from '../../ws/protocol/protocol-error';
import { ConnectionInfo } from '../../ws/server/method.registry';

/** What a chat request asks the agent; the parts Switchboard cannot honour are refused, not ignored. */
export interface ChatInput {
  message: string;
  extraSystemPrompt?: string;
}

/** Refuses a request with nothing to answer (no text and no image) or with an extra system prompt. */
export function refuseUnsupported(input: ChatInput, imageCount = 0): void {
  if (!input.message.trim() && imageCount === 0) throw invalid('message is empty');
  if (input.extraSystemPrompt?.trim()) throw invalid('extraSystemPrompt is not supported: the agent uses AGENT_SYSTEM_PROMPT');
}

/** Who a web chat message is from: the device, or the shared secret it signed in with. */
export function senderOf(connection: ConnectionInfo): { id: string; displayName: string } {
  return {
    id: connection.deviceId ?? `${connection.authMethod}:${connection.client.id}`,
    displayName: connection.client.displayName ?? connection.client.id,
  };
}

export function invalid(message: string): ControlPlaneError {
  return new ControlPlaneError(ErrorCodes.INVALID_REQUEST, message, { details: { code: DetailCodes.INVALID_PARAMS } });
}
