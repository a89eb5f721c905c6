import { DomainError, ErrorCode, type OutboundAttachment } from '@switchboard/core';

const FETCH_TIMEOUT_MS = 30_000;

/**
 * The bytes of a file to send: those in hand, or fetched from its URL, for platforms that take
 * uploads only. A URL that cannot be reached is TEMPORARY; one that answers an error, PERMANENT.
 */
export async function outboundAttachmentBytes(attachment: OutboundAttachment): Promise<Buffer> {
  if (attachment.data) return attachment.data;
  if (!attachment.url) throw new DomainError(ErrorCode.INVALID_INPUT, `Attachment ${attachment.fileName} has neither data nor a url`);
  let response: Response;
  try {
    response = await fetch(attachment.url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (error) {
    throw new DomainError(ErrorCode.TEMPORARY, `Attachment ${attachment.fileName} could not be fetched: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!response.ok) throw new DomainError(ErrorCode.PERMANENT, `Attachment ${attachment.fileName} could not be fetched: HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}
