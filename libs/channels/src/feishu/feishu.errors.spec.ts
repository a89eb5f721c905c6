import { ErrorCode } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { FeishuApiError, isEditLimitReached, toDomainError } from './feishu.errors';

/** What axios throws for an answer with an error status. */
function httpError(status: number, data: unknown, headers: Record<string, string> = {}) {
  return Object.assign(new Error(`Request failed with status code ${status}`), { response: { status, data, headers } });
}

describe('toDomainError', () => {
  it.each([
    ['a rate limit with its reset header', httpError(429, { code: 99991400, msg: 'request trigger frequency limit' }, { 'x-ogw-ratelimit-reset': '7' }), ErrorCode.RATE_LIMITED, 7_000],
    ['an old-style rate limit (HTTP 400)', httpError(400, { code: 99991400, msg: 'request trigger frequency limit' }), ErrorCode.RATE_LIMITED, 1_000],
    ['the per-chat send limit', new FeishuApiError(230020, 'This chat is sending too fast', 200, undefined), ErrorCode.RATE_LIMITED, 1_000],
    ['a refused tenant_access_token', httpError(400, { code: 99991663, msg: 'Invalid access token' }), ErrorCode.AUTH_FAILED, undefined],
    ['a wrong App Secret (token request)', new Error('failed to get tenant_access_token, code: 10014, msg: app secret invalid'), ErrorCode.AUTH_FAILED, undefined],
    ['a server error', httpError(500, { code: 99991401, msg: 'internal error' }), ErrorCode.TEMPORARY, undefined],
    ['a bad request', httpError(400, { code: 230001, msg: 'invalid content' }), ErrorCode.INVALID_INPUT, undefined],
    ['no permission (HTTP 200, non-zero code)', new FeishuApiError(230027, 'Lack of necessary permissions', 200, undefined), ErrorCode.PERMANENT, undefined],
    ['no answer at all', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), ErrorCode.TEMPORARY, undefined],
  ])('maps %s', (_what, thrown, code, retryAfterMs) => {
    expect(toDomainError('im.message.create', thrown)).toMatchObject({ code, retryAfterMs });
  });

  it('tells the edit limit (230072) apart, inside a DomainError too', () => {
    const limit = httpError(400, { code: 230072, msg: 'The message has reached the number of times it can be edited.' });
    const mapped = toDomainError('im.message.update', limit);
    expect(mapped.code).toBe(ErrorCode.INVALID_INPUT);
    expect(isEditLimitReached(mapped)).toBe(true);
    expect(isEditLimitReached(toDomainError('im.message.update', httpError(400, { code: 230001, msg: 'x' })))).toBe(false);
  });
});
