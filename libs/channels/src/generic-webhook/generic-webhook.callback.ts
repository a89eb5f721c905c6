import { Webhook } from 'standardwebhooks';
import { DomainError, ErrorCode } from '@switchboard/core';

const POST_TIMEOUT_MS = 15_000;
// A 429 without Retry-After: try again after a second, then the queue's backoff takes over.
const DEFAULT_RETRY_AFTER_MS = 1_000;

/** The JSON body of a reply POSTed to WEBHOOK_CALLBACK_URL. */
export interface GenericReplyBody {
  type: 'message.reply';
  /** Equals the webhook-id header. */
  id: string;
  chat: { id: string };
  /** The request id this answers, when it answers one. */
  replyTo?: string;
  text: string;
  timestamp: string;
}

/**
 * Posts replies to the callback URL, signed as Standard Webhooks (webhook-id, webhook-timestamp,
 * webhook-signature over `id.timestamp.body`). The receiver's answer decides what the worker does:
 * 2xx delivered; 429 RATE_LIMITED (its Retry-After honoured); 5xx, 408 and no answer TEMPORARY;
 * 401/403 AUTH_FAILED; any other 4xx PERMANENT.
 */
export class GenericWebhookCallback {
  private readonly signer: Webhook;

  constructor(
    private readonly callbackUrl: string,
    secret: string,
  ) {
    this.signer = new Webhook(secret);
  }

  async post(reply: GenericReplyBody): Promise<void> {
    const body = JSON.stringify(reply);
    const now = new Date();
    const headers = {
      'content-type': 'application/json',
      'webhook-id': reply.id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': this.signer.sign(reply.id, now, body),
    };
    let response: Response;
    try {
      response = await fetch(this.callbackUrl, { method: 'POST', headers, body, signal: AbortSignal.timeout(POST_TIMEOUT_MS) });
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
      throw new DomainError(ErrorCode.TEMPORARY, `generic webhook callback failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    }
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) return;
    throw callbackError(response.status, response.headers.get('retry-after'));
  }
}

function callbackError(status: number, retryAfter: string | null): DomainError {
  const message = `generic webhook callback answered HTTP ${status}`;
  if (status === 429) {
    const seconds = Number(retryAfter);
    return new DomainError(ErrorCode.RATE_LIMITED, message, { retryAfterMs: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : DEFAULT_RETRY_AFTER_MS });
  }
  if (status >= 500 || status === 408) return new DomainError(ErrorCode.TEMPORARY, message);
  if (status === 401 || status === 403) return new DomainError(ErrorCode.AUTH_FAILED, `${message} (does the receiver check with the same WEBHOOK_SECRET?)`);
  return new DomainError(ErrorCode.PERMANENT, message);
}
