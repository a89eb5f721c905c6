import { DomainError, ErrorCode, type OutboundAttachment } from '@switchboard/core';

// What DingTalk's media upload takes, by file extension: pictures (sent as an image message) and
// documents (sent as a file message), each at most 20 MB.
const IMAGE_FORMATS = new Set(['jpg', 'jpeg', 'png', 'gif', 'bmp']);
const FILE_FORMATS = new Set(['doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'pdf', 'zip', 'rar']);
export const MAX_ROBOT_FILE_BYTES = 20 * 1024 * 1024;

/** How one file goes out: uploaded as this media type, then sent as this robot message. */
export interface RobotFile {
  uploadType: 'image' | 'file';
  /** The extension, lower case: the robot file message's `fileType`. */
  format: string;
}

/** How DingTalk takes this file, or INVALID_INPUT naming the formats it takes. */
export function robotFileOf(attachment: OutboundAttachment): RobotFile {
  const format = /\.([A-Za-z0-9]+)$/.exec(attachment.fileName)?.[1]?.toLowerCase() ?? '';
  if (IMAGE_FORMATS.has(format)) return { uploadType: 'image', format };
  if (FILE_FORMATS.has(format)) return { uploadType: 'file', format };
  throw new DomainError(
    ErrorCode.INVALID_INPUT,
    `DingTalk robots cannot send ${attachment.fileName}: they send pictures (${[...IMAGE_FORMATS].join(', ')}) and files (${[...FILE_FORMATS].join(', ')})`,
  );
}

/** The robot message (`msgKey`, `msgParam`) that shows an uploaded file. */
export function robotFileMessage(file: RobotFile, mediaId: string, fileName: string): { msgKey: string; msgParam: Record<string, string> } {
  // An image message takes the media_id where it also takes a picture's URL.
  if (file.uploadType === 'image') return { msgKey: 'sampleImageMsg', msgParam: { photoURL: mediaId } };
  return { msgKey: 'sampleFile', msgParam: { mediaId, fileName, fileType: file.format } };
}
