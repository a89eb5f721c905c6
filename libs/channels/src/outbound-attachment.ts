import { DomainError, ErrorCode, type OutboundAttachment, type OutboundMessage, type SentMessage } from '@switchboard/core';

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

/** How a platform sends the parts of a message; each resolves with the platform id of what it sent. */
export interface MessagePartSender {
  /** A text: the message's own, or a file's caption. */
  text(text: string): Promise<string>;
  /** The message's `index`th file. */
  file(attachment: OutboundAttachment, index: number): Promise<string>;
}

/**
 * A message on a platform whose file messages carry no caption: the text first (left out when it is
 * empty and files go), then each file with its caption after it as a text of its own. Resolves with
 * the first message's id. Refuse what the platform would refuse before calling this: a failure
 * part-way leaves the parts before it sent.
 */
export async function sendTextThenFiles(message: OutboundMessage, send: MessagePartSender): Promise<SentMessage> {
  const attachments = message.attachments ?? [];
  const sent: string[] = [];
  if (message.text !== '' || attachments.length === 0) sent.push(await send.text(message.text));
  for (const [index, attachment] of attachments.entries()) {
    sent.push(await send.file(attachment, index));
    if (attachment.caption) sent.push(await send.text(attachment.caption));
  }
  return { platformMessageId: sent[0] };
}
