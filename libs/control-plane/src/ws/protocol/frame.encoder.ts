import { StateVersion } from './frame.schema';

/**
 * Encodes an event frame from an already serialized payload, so a broadcast serializes its payload
 * once and only the per-connection `seq` differs between recipients.
 */
export function encodeEvent(event: string, payloadJson: string | undefined, seq?: number, stateVersion?: StateVersion): string {
  let text = `{"type":"event","event":${JSON.stringify(event)}`;
  if (payloadJson !== undefined) text += `,"payload":${payloadJson}`;
  if (seq !== undefined) text += `,"seq":${seq}`;
  if (stateVersion !== undefined) text += `,"stateVersion":${JSON.stringify(stateVersion)}`;
  return `${text}}`;
}
