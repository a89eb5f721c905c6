import type { LlmImageMimeType } from './llm-provider';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

// How each format the providers take starts.
const STARTS_LIKE: Record<LlmImageMimeType, (head: Buffer) => boolean> = {
  'image/png': (head) => head.subarray(0, 8).equals(PNG_SIGNATURE),
  'image/jpeg': (head) => head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff,
  'image/gif': (head) => ['GIF87a', 'GIF89a'].includes(head.subarray(0, 6).toString('latin1')),
  'image/webp': (head) => head.subarray(0, 4).toString('latin1') === 'RIFF' && head.subarray(8, 12).toString('latin1') === 'WEBP',
};

/** Bytes an image check reads from the start of a file. */
export const IMAGE_HEAD_BYTES = 12;

/**
 * The image format a file's first bytes show, or undefined for anything else. A model given bytes
 * that are not the image format they claim fails the whole request, so content decides, not names.
 */
export function imageTypeOf(head: Buffer): LlmImageMimeType | undefined {
  return (Object.keys(STARTS_LIKE) as LlmImageMimeType[]).find((type) => STARTS_LIKE[type](head));
}
