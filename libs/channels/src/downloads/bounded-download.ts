import { DomainError, ErrorCode, formatBytes } from '@switchboard/core';

/** The limit a platform's file downloads keep to, and how errors name it. */
export interface DownloadLimit {
  maxBytes: number;
  /** "Slack file": what the messages call the download. */
  what: string;
  /** The setting that raises the limit, e.g. SLACK_MAX_DOWNLOAD_BYTES. */
  setting: string;
}

const DOWNLOAD_TIMEOUT_MS = 30_000;

/** Throws INVALID_INPUT when `bytes` (a size the platform gave, or the bytes read so far) is over the limit. */
export function checkDownloadSize(bytes: number | undefined, limit: DownloadLimit): void {
  if (bytes === undefined || bytes <= limit.maxBytes) return;
  const max = formatBytes(limit.maxBytes);
  throw new DomainError(ErrorCode.INVALID_INPUT, `${limit.what} of ${formatBytes(bytes)} or more is over ${limit.setting} (${max})`, {
    userMessage: `larger than the ${max} download limit`,
  });
}

/**
 * GETs `url` and returns the body, never reading more than the limit. The URL and headers may
 * hold a token: no message quotes them. No answer or a 5xx is TEMPORARY, another status PERMANENT.
 */
export async function downloadWithin(url: string, headers: Record<string, string>, limit: DownloadLimit): Promise<Buffer> {
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
  } catch (error) {
    throw new DomainError(ErrorCode.TEMPORARY, `${limit.what} download failed: ${reasonOf(error)}`);
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    const code = response.status >= 500 ? ErrorCode.TEMPORARY : ErrorCode.PERMANENT;
    throw new DomainError(code, `${limit.what} download failed: HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length'));
  if (response.headers.has('content-length') && declared > limit.maxBytes) {
    await response.body.cancel();
    checkDownloadSize(declared, limit);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    // Leaving the loop early cancels the rest of the body.
    for await (const chunk of response.body) {
      total += chunk.byteLength;
      checkDownloadSize(total, limit);
      chunks.push(Buffer.from(chunk));
    }
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw new DomainError(ErrorCode.TEMPORARY, `${limit.what} download failed: ${reasonOf(error)}`);
  }
  return Buffer.concat(chunks);
}

// fetch's own message is "fetch failed"; the cause says why (refused, reset, timed out).
function reasonOf(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}
