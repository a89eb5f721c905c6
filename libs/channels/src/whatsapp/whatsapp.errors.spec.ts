import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@switchboard/core';
import { graphError, graphErrorCode } from './whatsapp.errors';

describe('graphError', () => {
  it('makes Meta\'s throughput limit RATE_LIMITED with a one-second wait, and honours a Retry-After header', () => {
    expect(graphError('POST messages', 400, { code: 130429, message: 'Rate limit hit' })).toMatchObject({ code: ErrorCode.RATE_LIMITED, retryAfterMs: 1_000 });
    expect(graphError('POST messages', 429, { code: 4, message: 'Application request limit reached' }, 7)).toMatchObject({ code: ErrorCode.RATE_LIMITED, retryAfterMs: 7_000 });
    expect(graphError('POST messages', 400, { code: 131056, message: 'Pair rate limit hit' })).toMatchObject({ code: ErrorCode.RATE_LIMITED, retryAfterMs: 6_000 });
  });

  it('makes a 5xx TEMPORARY and an expired token AUTH_FAILED', () => {
    expect(graphError('POST messages', 503, undefined).code).toBe(ErrorCode.TEMPORARY);
    expect(graphError('POST messages', 500, { code: 131000, message: 'Something went wrong' }).code).toBe(ErrorCode.TEMPORARY);
    expect(graphError('GET media', 401, { code: 190, message: 'Error validating access token' })).toMatchObject({
      code: ErrorCode.AUTH_FAILED,
      message: expect.stringContaining('permanent token'),
    });
  });

  it('makes a send outside the 24-hour customer-service window PERMANENT, explaining it for the operator', () => {
    const error = graphError('POST messages', 400, { code: 131047, message: 'Re-engagement message' });

    expect(error.code).toBe(ErrorCode.PERMANENT);
    expect(error.retryAfterMs).toBeUndefined();
    expect(error.message).toContain('more than 24 hours ago');
    expect(graphErrorCode(error)).toBe(131047);
  });

  it('makes an invalid parameter INVALID_INPUT', () => {
    expect(graphError('POST messages', 400, { code: 100, message: 'Invalid parameter' }).code).toBe(ErrorCode.INVALID_INPUT);
  });
});
