// Bot API envelopes and parameter decoding for the fake's handlers.
import type { FakePlatformReply } from '../fake-platform/fake-platform.server';

export const NOT_MODIFIED =
  'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';

export function ok(result: unknown, description?: string): FakePlatformReply {
  return { body: { ok: true, result, ...(description ? { description } : {}) } };
}

export function badRequest(description: string): FakePlatformReply {
  return { status: 400, body: apiError(400, description) };
}

/** The `{ ok: false, ... }` body the Bot API answers errors with. */
export function apiError(errorCode: number, description: string, parameters?: Record<string, unknown>) {
  return { ok: false, error_code: errorCode, description, ...(parameters ? { parameters } : {}) };
}

export function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A parameter as sent: JSON bodies keep types, form and multipart fields are JSON-encoded strings. */
export function json<T>(value: unknown): T | undefined {
  if (typeof value !== 'string') return value as T | undefined;
  try {
    return JSON.parse(value) as T;
  } catch {
    return value as T;
  }
}
