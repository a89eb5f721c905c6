import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@switchboard/core';
import { DingTalkApiError, isTokenExpired, toDomainError } from './dingtalk.errors';

const apiError = (status: number, code?: string | number, retryAfterMs?: number) => new DingTalkApiError('send', status, code, 'message', retryAfterMs);

describe('DingTalk errors', () => {
  it('maps QPS limits and 429 to RATE_LIMITED with the wait DingTalk asked for, or a second', () => {
    expect(toDomainError('send', apiError(403, 'Forbidden.AccessDenied.QpsLimitForApi'))).toMatchObject({ code: ErrorCode.RATE_LIMITED, retryAfterMs: 1_000 });
    expect(toDomainError('send', apiError(429, undefined, 7_000))).toMatchObject({ code: ErrorCode.RATE_LIMITED, retryAfterMs: 7_000 });
  });

  it('maps a robot over its 20 messages a minute (errcode 130101) to RATE_LIMITED for a minute', () => {
    expect(toDomainError('sessionWebhook', apiError(200, 130101))).toMatchObject({ code: ErrorCode.RATE_LIMITED, retryAfterMs: 60_000 });
  });

  it('maps the oapi server\'s call limits to RATE_LIMITED: a second for 90018, a minute for 90005 and 90006', () => {
    expect(toDomainError('media/upload', apiError(200, 90018))).toMatchObject({ code: ErrorCode.RATE_LIMITED, retryAfterMs: 1_000 });
    expect(toDomainError('media/upload', apiError(200, 90005))).toMatchObject({ code: ErrorCode.RATE_LIMITED, retryAfterMs: 60_000 });
    expect(toDomainError('media/upload', apiError(200, 90006))).toMatchObject({ code: ErrorCode.RATE_LIMITED, retryAfterMs: 60_000 });
  });

  it('tells an expired access token, which is refreshed, from bad credentials', () => {
    expect(isTokenExpired(apiError(401, 'InvalidAuthentication'))).toBe(true);
    expect(isTokenExpired(apiError(200, 42001))).toBe(true);
    expect(isTokenExpired(apiError(400, 'invalidClientIdOrSecret'))).toBe(false);
    expect(toDomainError('accessToken', apiError(400, 'invalidClientIdOrSecret')).code).toBe(ErrorCode.AUTH_FAILED);
  });

  it('maps 5xx and network failures to TEMPORARY, bad parameters to INVALID_INPUT, missing permissions to PERMANENT', () => {
    expect(toDomainError('send', apiError(503)).code).toBe(ErrorCode.TEMPORARY);
    expect(toDomainError('send', new TypeError('fetch failed')).code).toBe(ErrorCode.TEMPORARY);
    expect(toDomainError('send', apiError(400, 'invalidParameter')).code).toBe(ErrorCode.INVALID_INPUT);
    expect(toDomainError('send', apiError(403, 'Forbidden.AccessDenied.AccessTokenPermissionDenied')).code).toBe(ErrorCode.PERMANENT);
  });
});
