import { Logger } from '@nestjs/common';
import { type Attachment, type ChannelAdapter, DomainError, ErrorCode } from '@switchboard/core';
import { TINY_PNG_BASE64 } from '@switchboard/testing';
import { describe, expect, it } from 'vitest';
import { attachmentNote, loadPromptMedia } from './prompt-media';

const logger = new Logger('test');
Logger.overrideLogger(false);

const png = Buffer.from(TINY_PNG_BASE64, 'base64');
const photo: Attachment = { kind: 'image', platformFileId: 'photo-1', mimeType: 'image/jpeg', sizeBytes: 70 };
const pdf: Attachment = { kind: 'file', platformFileId: 'doc-1', fileName: 'report.pdf', mimeType: 'application/pdf', sizeBytes: 1_300_000 };
const voice: Attachment = { kind: 'voice', platformFileId: 'voice-1', mimeType: 'audio/ogg', sizeBytes: 12_288 };

/** A channel whose download of each platform file id returns (or throws) what `files` holds for it. */
function channelWith(files: Record<string, Buffer | DomainError>): ChannelAdapter & { asked: string[] } {
  const asked: string[] = [];
  return {
    id: 'telegram',
    asked,
    downloadAttachment: async (attachment: Attachment) => {
      asked.push(attachment.platformFileId);
      const file = files[attachment.platformFileId];
      if (file instanceof DomainError) throw file;
      return file;
    },
  } as unknown as ChannelAdapter & { asked: string[] };
}

describe('loadPromptMedia', () => {
  it('shows a downloaded image to the model, typed by its content, and fetches nothing else', async () => {
    const channel = channelWith({ 'photo-1': png });

    const media = await loadPromptMedia(channel, [photo, pdf, voice], logger);

    expect(media.images).toEqual([{ mimeType: 'image/png', dataBase64: TINY_PNG_BASE64 }]);
    expect(media.notes).toEqual(['[image attached]', '[file attached: report.pdf, application/pdf, 1.2 MB]', '[voice attached: audio/ogg, 12.0 KB]']);
    expect(channel.asked).toEqual(['photo-1']);
  });

  it('shows a document that is an image, with its name', async () => {
    const scan: Attachment = { kind: 'file', platformFileId: 'doc-2', fileName: 'scan.png', mimeType: 'image/png', sizeBytes: png.length };

    const media = await loadPromptMedia(channelWith({ 'doc-2': png }), [scan], logger);

    expect(media.images).toEqual([{ mimeType: 'image/png', dataBase64: TINY_PNG_BASE64, fileName: 'scan.png' }]);
    expect(media.notes).toEqual(['[image attached: scan.png]']);
  });

  it('describes an image it could not fetch, or that is not an image, instead of failing', async () => {
    const tooLarge = new DomainError(ErrorCode.INVALID_INPUT, 'over the limit', { userMessage: 'larger than the 10.0 MB download limit' });
    const channel = channelWith({ 'photo-1': tooLarge, 'photo-2': Buffer.from('not an image'), 'photo-3': new DomainError(ErrorCode.TEMPORARY, 'reset') });
    const attachments = [photo, { ...photo, platformFileId: 'photo-2' }, { ...photo, platformFileId: 'photo-3' }];

    const media = await loadPromptMedia(channel, attachments, logger);

    expect(media.images).toEqual([]);
    expect(media.notes).toEqual([
      '[image attached: image/jpeg, 70 B; not shown: larger than the 10.0 MB download limit]',
      '[image attached: image/jpeg, 70 B; not shown: not a PNG, JPEG, GIF or WebP image]',
      '[image attached: image/jpeg, 70 B; not shown: it could not be downloaded]',
    ]);
  });

  it('notes the images of a channel that cannot fetch files', async () => {
    const media = await loadPromptMedia({ id: 'webchat' } as ChannelAdapter, [photo], logger);
    expect(media).toEqual({ images: [], notes: ['[image attached: image/jpeg, 70 B; not shown: webchat files cannot be fetched]'] });
  });
});

describe('attachmentNote', () => {
  it('names what is known of the file', () => {
    expect(attachmentNote({ kind: 'image', platformFileId: 'x', fileName: 'cat.png', mimeType: 'image/png', sizeBytes: 5 })).toBe('[image attached: cat.png]');
    expect(attachmentNote({ kind: 'video', platformFileId: 'x' })).toBe('[video attached]');
  });
});
