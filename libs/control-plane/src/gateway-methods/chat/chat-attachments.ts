import { IMAGE_HEAD_BYTES, type LlmImage, imageTypeOf } from '@switchboard/providers';
import { ChatAttachment } from '../../ws/protocol/method-params.schema';
import { invalid } from './chat-request';

// Every 4 base64 characters decode to 3 bytes.
const HEAD_BASE64_CHARS = Math.ceil(IMAGE_HEAD_BYTES / 3) * 4;

/**
 * The images of a `chat.send` for the model. The frame schema checked their shape, type, size
 * and base64; this checks that each content is the image format it claims to be.
 */
export function imagesOf(attachments: ChatAttachment[] = []): LlmImage[] {
  return attachments.map((attachment, index) => {
    const head = Buffer.from(attachment.content.slice(0, HEAD_BASE64_CHARS), 'base64');
    if (imageTypeOf(head) !== attachment.mimeType) {
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
