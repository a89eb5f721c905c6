import { DomainError, ErrorCode, type Attachment } from '@switchboard/core';
import type { Api } from 'grammy';
import { checkDownloadSize, downloadWithin, type DownloadLimit } from '../downloads/bounded-download';
import { callTelegram } from './telegram.errors';

export interface TelegramMediaOptions {
  /** Bot API server, without a trailing slash. */
  apiRoot: string;
  botToken: string;
  /** Larger files are refused (INVALID_INPUT), before the download when Telegram gives the size. */
  maxBytes: number;
}

/**
 * Fetches the file of an inbound message: `getFile` for its path, then the bytes from
 * `<apiRoot>/file/bot<token>/<path>`, never reading more than `maxBytes`.
 */
export class TelegramMediaDownloader {
  private readonly limit: DownloadLimit;

  constructor(
    private readonly api: Api,
    private readonly options: TelegramMediaOptions,
  ) {
    this.limit = { what: 'Telegram file', setting: 'TELEGRAM_MAX_DOWNLOAD_BYTES', maxBytes: options.maxBytes };
  }

  async download(attachment: Attachment): Promise<Buffer> {
    checkDownloadSize(attachment.sizeBytes, this.limit);
    const file = await callTelegram('getFile', () => this.api.getFile(attachment.platformFileId));
    checkDownloadSize(file.file_size, this.limit);
    if (!file.file_path) throw new DomainError(ErrorCode.PERMANENT, 'Telegram getFile returned no file_path');
    // The URL holds the bot token: downloadWithin's messages never quote it.
    return downloadWithin(`${this.options.apiRoot}/file/bot${this.options.botToken}/${file.file_path}`, {}, this.limit);
  }
}
