import { DomainError, ErrorCode, formatBytes, type OutboundAttachment } from '@switchboard/core';
import { outboundAttachmentBytes } from '../outbound-attachment';

/** The media types the gateway sends files as. */
export type WecomFileType = 'image' | 'file';

/** Images show inline; anything else goes as a file (WeCom's voice and video messages take only AMR and MP4). */
export function wecomMediaType(attachment: OutboundAttachment): WecomFileType {
  return attachment.kind === 'image' ? 'image' : 'file';
}

/**
 * What WeCom takes as temporary media from an AI bot: at least 5 bytes, images up to 10 MB, files
 * up to 20 MB. Both are under what the SDK's chunked upload carries (100 chunks of 512 KB).
 */
export const AIBOT_MEDIA_MIN_BYTES = 5;
export const AIBOT_MEDIA_MAX_BYTES: Record<WecomFileType, number> = { image: 10 * 1024 * 1024, file: 20 * 1024 * 1024 };

/** A file ready for the AI bot's upload: its bytes in hand and within WeCom's limits. */
export interface AibotUpload {
  type: WecomFileType;
  filename: string;
  data: Buffer;
}

/** The file's bytes (fetched if it has a URL), refused as INVALID_INPUT, naming the limit, when WeCom would refuse them. */
export async function aibotUpload(attachment: OutboundAttachment): Promise<AibotUpload> {
  const type = wecomMediaType(attachment);
  const data = await outboundAttachmentBytes(attachment);
  const size = `${attachment.fileName} is ${data.length} bytes`;
  if (data.length < AIBOT_MEDIA_MIN_BYTES) {
    throw new DomainError(ErrorCode.INVALID_INPUT, `${size}: WeCom takes files of at least ${AIBOT_MEDIA_MIN_BYTES} bytes from an AI bot`);
  }
  const max = AIBOT_MEDIA_MAX_BYTES[type];
  if (data.length > max) {
    throw new DomainError(ErrorCode.INVALID_INPUT, `${size}: WeCom takes ${type === 'image' ? 'images' : 'files'} of at most ${formatBytes(max)} (${max} bytes) from an AI bot`);
  }
  return { type, filename: attachment.fileName, data };
}
