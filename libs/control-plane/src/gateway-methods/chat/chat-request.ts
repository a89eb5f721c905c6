import { ControlPlaneError, DetailCodes, ErrorCodes } from '../../ws/protocol/protocol-error';
import { ConnectionInfo } from '../../ws/server/method.registry';

/** The parts of a chat request Switchboard cannot honour yet; refused rather than ignored. */
export interface ChatInput {
  message: string;
  attachments?: unknown[];
  extraSystemPrompt?: string;
}

export function refuseUnsupported(input: ChatInput): void {
  if (!input.message.trim()) throw invalid('message is empty');
  if (input.attachments?.length) throw invalid('attachments are not supported yet: send text');
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
