import type { LlmImage } from '@switchboard/providers';
import { ChatAttachment } from '../../ws/protocol/method-params.schema';
import { invalid } from './chat-request';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

// How each accepted format starts; a model given something else fails the whole turn.
const STARTS_LIKE: Record<ChatAttachment['mimeType'], (head: Buffer) => boolean> = {
  'image/png': (head) => head.subarray(0, 8).equals(PNG_SIGNATURE),
  'image/jpeg': (head) => head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff,
  'image/gif': (head) => ['GIF87a', 'GIF89a'].includes(head.subarray(0, 6).toString('latin1')),
  'image/webp': (head) => head.subarray(0, 4).toString('latin1') === 'RIFF' && head.subarray(8, 12).toString('latin1') === 'WEBP',
};

// 16 base64 characters decode to the 12 bytes the checks above read.
const HEAD_BASE64_CHARS = 16;

/**
 * The images of a `chat.send` for the model. The frame schema checked their shape, type, size
 * and base64; this checks that each content is the image format it claims to be.
 */
export function imagesOf(attachments: ChatAttachment[] = []): LlmImage[] {
  return attachments.map((attachment, index) => {
    const head = Buffer.from(attachment.content.slice(0, HEAD_BASE64_CHARS), 'base64');
    if (!STARTS_LIKE[attachment.mimeType](head)) {
      const name = attachment.fileName !== undefined ? ` (${attachment.fileName})` : '';
      throw invalid(`attachments[${index}]${name}: the content is not a valid ${attachment.mimeType} file`);
    }
    return {
      mimeType: attachment.mimeType,
      dataBase64: attachment.content,
      ...(attachment.fileName !== undefined ? { fileName: attachment.fileName } : {}),
    };
  });
}
