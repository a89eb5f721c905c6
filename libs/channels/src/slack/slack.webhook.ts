import { verifySlackRequest } from '@slack/bolt';
import type { WebhookRequest } from '@switchboard/core';
import type { SlackEventCallback, SlackSlashCommand } from './slack.mapper';

/** What a request to /webhooks/slack is, once authenticated. */
export type SlackDelivery =
  | { kind: 'challenge'; challenge: string }
  | { kind: 'event'; callback: SlackEventCallback; retryNum: number | undefined }
  | { kind: 'command'; command: SlackSlashCommand }
  /** Authentic, but not a delivery the gateway acts on (interactivity, other Events API types). */
  | { kind: 'other'; type: string };

/** Why a request is refused; `status` is what Slack gets. */
export interface SlackRefusal {
  status: 400 | 401;
  reason: string;
}

const SIGNATURE = 'x-slack-signature';
const TIMESTAMP = 'x-slack-request-timestamp';
const RETRY_NUM = 'x-slack-retry-num';
/** Slack's own rule: a request more than five minutes off the clock may be a replay. */
export const MAX_REQUEST_AGE_S = 5 * 60;

/**
 * Authenticates one request to /webhooks/slack before anything reads it: `X-Slack-Signature` is
 * `v0=` hex HMAC-SHA256 of `v0:<timestamp>:<raw body>` under the Signing Secret, and the
 * timestamp is within five minutes of now (either way). The signature is checked by Bolt's own
 * verifySlackRequest; its messages name the failed check, never the secret.
 */
export function openSlackDelivery(request: WebhookRequest, signingSecret: string, nowMs = Date.now()): SlackDelivery | SlackRefusal {
  const signature = header(request, SIGNATURE);
  const timestamp = header(request, TIMESTAMP);
  if (!signature || !timestamp) return { status: 401, reason: 'X-Slack-Signature or X-Slack-Request-Timestamp missing' };
  const seconds = /^\d{1,12}$/.test(timestamp) ? Number(timestamp) : NaN;
  if (!Number.isFinite(seconds) || Math.abs(nowMs / 1000 - seconds) > MAX_REQUEST_AGE_S) {
    return { status: 401, reason: 'X-Slack-Request-Timestamp is more than five minutes off' };
  }
  const body = request.rawBody.toString('utf8');
  try {
    verifySlackRequest({ signingSecret, body, headers: { [SIGNATURE]: signature, [TIMESTAMP]: seconds }, nowMilliseconds: nowMs });
  } catch (error) {
    return { status: 401, reason: error instanceof Error ? error.message : 'X-Slack-Signature does not match' };
  }

  if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) {
    // Slash commands and interactivity come form-encoded.
    const form = new URLSearchParams(body);
    return form.has('command') ? { kind: 'command', command: Object.fromEntries(form) } : { kind: 'other', type: 'form' };
  }
  const parsed = parseObject(body);
  if (!parsed || typeof parsed.type !== 'string') return { status: 400, reason: 'body is not an Events API JSON object' };
  if (parsed.type === 'url_verification') {
    return typeof parsed.challenge === 'string' ? { kind: 'challenge', challenge: parsed.challenge } : { status: 400, reason: 'url_verification without a challenge' };
  }
  if (parsed.type !== 'event_callback') return { kind: 'other', type: parsed.type };
  const retry = Number(header(request, RETRY_NUM));
  return { kind: 'event', callback: parsed as unknown as SlackEventCallback, retryNum: Number.isInteger(retry) ? retry : undefined };
}

export function isRefusal(value: SlackDelivery | SlackRefusal): value is SlackRefusal {
  return 'status' in value;
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
