import { ErrorCode } from '@switchboard/core';
import { DiscordAPIError, HTTPError, RateLimitError, type RateLimitData } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { MAX_INLINE_RATE_LIMIT_MS, rejectLongRateLimit, toDomainError } from './discord.errors';

const request = { body: undefined, files: undefined };
const apiError = (status: number, code: number, message: string) =>
  new DiscordAPIError({ code, message }, code, status, 'POST', 'https://discord.com/api/v10/channels/1/messages', request);
const rateLimit = (retryAfter: number, global = false): RateLimitData => ({
  timeToReset: retryAfter,
  limit: 5,
  method: 'post',
  hash: 'abc',
  url: 'https://discord.com/api/v10/channels/1/messages',
  route: '/channels/:id/messages',
  majorParameter: '1',
  global,
  retryAfter,
  sublimitTimeout: 0,
  scope: 'user',
});

describe('toDomainError', () => {
  it.each([
    ['a refused token', apiError(401, 0, '401: Unauthorized'), ErrorCode.AUTH_FAILED],
    ['missing permissions', apiError(403, 50013, 'Missing Permissions'), ErrorCode.PERMANENT],
    ['a user who does not take DMs', apiError(403, 50007, 'Cannot send messages to this user'), ErrorCode.PERMANENT],
    ['a deleted channel', apiError(404, 10003, 'Unknown Channel'), ErrorCode.PERMANENT],
    ['an invalid form body', apiError(400, 50035, 'Invalid Form Body'), ErrorCode.INVALID_INPUT],
    ['a server error', new HTTPError(502, 'Bad Gateway', 'POST', 'https://discord.com/api/v10/channels/1/messages', request), ErrorCode.TEMPORARY],
    ['no answer at all', new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') }), ErrorCode.TEMPORARY],
  ])('maps %s', (_what, thrown, code) => {
    expect(toDomainError('create message', thrown).code).toBe(code);
  });

  it('maps a rate limit REST rejected to RATE_LIMITED with its delay, naming the bucket', () => {
    const mapped = toDomainError('create message', new RateLimitError(rateLimit(12_500)));
    expect(mapped).toMatchObject({ code: ErrorCode.RATE_LIMITED, retryAfterMs: 12_500, message: expect.stringContaining('POST /channels/:id/messages') });
  });
});

describe('rejectLongRateLimit', () => {
  it('lets REST wait out a short limit and hands a long one to the caller', () => {
    expect(rejectLongRateLimit(rateLimit(MAX_INLINE_RATE_LIMIT_MS))).toBe(false);
    expect(rejectLongRateLimit(rateLimit(MAX_INLINE_RATE_LIMIT_MS + 1))).toBe(true);
  });
});
