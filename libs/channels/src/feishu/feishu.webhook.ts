import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';
import type { WebhookRequest } from '@switchboard/core';
import type { FeishuEventEnvelope } from './feishu.mapper';

/** The secrets that authenticate webhook deliveries (FEISHU_VERIFICATION_TOKEN, FEISHU_ENCRYPT_KEY). */
export interface FeishuWebhookSecrets {
  verificationToken: string;
  encryptKey?: string;
}

/** A webhook body Feishu sent: a URL check, or an event. */
export type FeishuDelivery =
  | { kind: 'challenge'; challenge: string }
  | { kind: 'event'; envelope: FeishuEventEnvelope };

/** Why a delivery is refused; `status` is what Feishu gets. */
export interface FeishuRefusal {
  status: 400 | 401;
  reason: string;
}

const SIGNATURE = 'x-lark-signature';
const TIMESTAMP = 'x-lark-request-timestamp';
const NONCE = 'x-lark-request-nonce';

/**
 * Authenticates and opens one delivery to /webhooks/feishu, before anything acts on it:
 * - with an Encrypt Key, events carry `X-Lark-Signature = sha256hex(timestamp + nonce + key + body)`
 *   over the body as sent, and the body is `{encrypt}`: base64(iv ‖ AES-256-CBC(SHA-256(key)));
 *   the URL check Feishu makes when the URL is saved is encrypted but unsigned;
 * - every body carries the Verification Token (`header.token` in 2.0 events, `token` otherwise).
 */
export function openDelivery(request: WebhookRequest, secrets: FeishuWebhookSecrets): FeishuDelivery | FeishuRefusal {
  const outer = parseObject(request.rawBody.toString('utf8'));
  if (!outer) return { status: 400, reason: 'body is not a JSON object' };
  const signature = header(request, SIGNATURE);
  let body = outer;
  if (secrets.encryptKey) {
    if (signature !== undefined && !signatureMatches(request, signature, secrets.encryptKey)) return { status: 401, reason: 'X-Lark-Signature does not match' };
    if (typeof outer.encrypt !== 'string') return { status: 400, reason: 'expected an encrypted body ({"encrypt": ...}): is encryption on in the developer console?' };
    const opened = decrypt(outer.encrypt, secrets.encryptKey);
    if (!opened) return { status: 401, reason: 'the body does not decrypt with FEISHU_ENCRYPT_KEY' };
    body = opened;
  } else if (typeof outer.encrypt === 'string') {
    return { status: 400, reason: 'the body is encrypted but FEISHU_ENCRYPT_KEY is not set' };
  }

  const isChallenge = body.type === 'url_verification';
  const token = isChallenge ? body.token : ((body.header as { token?: unknown } | undefined)?.token ?? body.token);
  if (typeof token !== 'string' || !equalSecrets(token, secrets.verificationToken)) return { status: 401, reason: 'verification token does not match' };
  if (isChallenge) {
    return typeof body.challenge === 'string' ? { kind: 'challenge', challenge: body.challenge } : { status: 400, reason: 'url_verification without a challenge' };
  }
  // An event needs the signature when the key is set: only the URL check comes unsigned.
  if (secrets.encryptKey && signature === undefined) return { status: 401, reason: 'X-Lark-Signature missing' };
  return { kind: 'event', envelope: body as FeishuEventEnvelope };
}

export function isRefusal(value: FeishuDelivery | FeishuRefusal): value is FeishuRefusal {
  return 'status' in value;
}

/** The signature Feishu puts on a delivery (used by fakes too). */
export function larkSignature(timestamp: string, nonce: string, encryptKey: string, body: string | Buffer): string {
  return createHash('sha256').update(timestamp + nonce + encryptKey).update(body).digest('hex');
}

function signatureMatches(request: WebhookRequest, signature: string, encryptKey: string): boolean {
  const expected = larkSignature(header(request, TIMESTAMP) ?? '', header(request, NONCE) ?? '', encryptKey, request.rawBody);
  return equalSecrets(signature, expected);
}

function decrypt(encrypted: string, encryptKey: string): Record<string, unknown> | undefined {
  try {
    const data = Buffer.from(encrypted, 'base64');
    const key = createHash('sha256').update(encryptKey).digest();
    const decipher = createDecipheriv('aes-256-cbc', key, data.subarray(0, 16));
    const plain = Buffer.concat([decipher.update(data.subarray(16)), decipher.final()]).toString('utf8');
    return parseObject(plain);
  } catch {
    return undefined;
  }
}

// Equal-length digests let timingSafeEqual compare values of any length in constant time.
function equalSecrets(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function header(request: WebhookRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
