import type { Logger } from '@nestjs/common';
import { type Attachment, type ChannelAdapter, formatBytes, isDomainError } from '@switchboard/core';
import { IMAGE_HEAD_BYTES, LLM_IMAGE_MIME_TYPES, type LlmImage, imageTypeOf } from '@switchboard/providers';

/** What the model gets for a message's attachments: the images to show, and one note line each. */
export interface PromptMedia {
  images: LlmImage[];
  notes: string[];
}

/**
 * Fetches a message's images from its platform so the model can see them. Every other file, and
 * an image that could not be fetched or is not a PNG, JPEG, GIF or WebP, becomes a note with its
 * name, type and size (and why an image is not shown). Never throws: a file that cannot be
 * fetched is described rather than failing the turn.
 */
export async function loadPromptMedia(channel: ChannelAdapter, attachments: Attachment[], logger: Logger): Promise<PromptMedia> {
  const media: PromptMedia = { images: [], notes: [] };
  for (const attachment of attachments) {
    if (!mayBeImage(attachment) || !channel.downloadAttachment) {
      media.notes.push(attachmentNote(attachment, attachment.kind === 'image' ? `${channel.id} files cannot be fetched` : undefined));
      continue;
    }
    try {
      const data = await channel.downloadAttachment(attachment);
      const mimeType = imageTypeOf(data.subarray(0, IMAGE_HEAD_BYTES));
      if (!mimeType) {
        media.notes.push(attachmentNote(attachment, attachment.kind === 'image' ? 'not a PNG, JPEG, GIF or WebP image' : undefined));
        continue;
      }
      media.images.push({ mimeType, dataBase64: data.toString('base64'), ...(attachment.fileName !== undefined ? { fileName: attachment.fileName } : {}) });
      media.notes.push(attachmentNote({ ...attachment, kind: 'image' }));
    } catch (error) {
      logger.warn(`a ${channel.id} ${attachment.kind} was not downloaded: ${error instanceof Error ? error.message : String(error)}`);
      const reason = isDomainError(error) && error.userMessage ? error.userMessage : 'it could not be downloaded';
      media.notes.push(attachmentNote(attachment, attachment.kind === 'image' ? reason : undefined));
    }
  }
  return media;
}

/**
 * The note line for an attachment: "[image attached: cat.png]" for an image the model is shown,
 * "[file attached: report.pdf, application/pdf, 1.2 MB]" for anything else, and for an image
 * not shown, why ("[image attached: image/jpeg, 12.0 MB; not shown: larger than the 10.0 MB
 * download limit]").
 */
export function attachmentNote(attachment: Attachment, notShownBecause?: string): string {
  const shownImage = attachment.kind === 'image' && notShownBecause === undefined;
  const size = attachment.sizeBytes !== undefined ? formatBytes(attachment.sizeBytes) : undefined;
  const details = (shownImage ? [attachment.fileName] : [attachment.fileName, attachment.mimeType, size]).filter(Boolean);
  const problem = notShownBecause === undefined ? '' : `; not shown: ${notShownBecause}`;
  return `[${attachment.kind} attached${details.length ? `: ${details.join(', ')}` : ''}${problem}]`;
}

// Photos, and documents sent as files whose declared type is one the models take.
function mayBeImage(attachment: Attachment): boolean {
  return attachment.kind === 'image' || LLM_IMAGE_MIME_TYPES.some((type) => type === attachment.mimeType);
}
