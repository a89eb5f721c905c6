import { Readable } from 'node:stream';
import type { AdminReply } from './admin-request';

/** Sends generated text as a download. */
export function sendDownload(reply: AdminReply, contentType: string, fileName: string, lines: AsyncIterable<string>): AdminReply {
  return reply
    .header('content-type', `${contentType}; charset=utf-8`)
    .header('content-disposition', `attachment; filename="${fileName}"`)
    .send(Readable.from(lines));
}
