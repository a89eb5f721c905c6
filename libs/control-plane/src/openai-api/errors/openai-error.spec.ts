import { ForbiddenException, Logger, NotFoundException } from '@nestjs/common';
import { describe, expect, it, vi } from 'vitest';
import { DomainError, ErrorCode } from '@switchboard/core';
import { OpenAiError, toOpenAiError } from './openai-error';

function mapped(error: unknown) {
  const logger = new Logger('test');
  const logged = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
  vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  const result = toOpenAiError(error, logger);
  return { status: result.status, body: result.body.error, headers: result.headers, logged: logged.mock.calls };
}

describe('toOpenAiError', () => {
  it('passes an OpenAiError through', () => {
    const error = new OpenAiError(404, 'nope', 'invalid_request_error', 'model_not_found', 'model');
    expect(toOpenAiError(error, new Logger('test'))).toBe(error);
  });

  it('keeps a rate limit a 429 with retry-after in whole seconds', () => {
    const result = mapped(new DomainError(ErrorCode.RATE_LIMITED, 'openai-compatible:m: 429', { retryAfterMs: 1_200 }));
    expect(result).toMatchObject({ status: 429, headers: { 'retry-after': '2' }, body: { type: 'requests', code: 'rate_limit_exceeded' } });
  });

  it("answers a provider's refused credentials with 502, not the client's 401, and without the operator detail", () => {
    const result = mapped(new DomainError(ErrorCode.AUTH_FAILED, 'anthropic:claude: 401 invalid x-api-key sk-ant-123'));
    expect(result.status).toBe(502);
    expect(result.headers).toEqual({ 'x-should-retry': 'false' });
    expect(JSON.stringify(result.body)).not.toContain('sk-ant');
  });

  it.each([
    [ErrorCode.INVALID_INPUT, 400],
    [ErrorCode.TEMPORARY, 503],
    [ErrorCode.PERMANENT, 502],
    [ErrorCode.NOT_FOUND, 404],
    [ErrorCode.CONFLICT, 409],
  ])('answers %s with %i', (code, status) => {
    expect(mapped(new DomainError(code, 'detail')).status).toBe(status);
  });

  it('shows a userMessage when there is one', () => {
    expect(mapped(new DomainError(ErrorCode.PERMANENT, 'detail', { userMessage: 'Ask the operator.' })).body.message).toBe('Ask the operator.');
  });

  it("keeps the status, message and code of the gateway's own guard answers (IP rules)", () => {
    const refused = new ForbiddenException({ error: { code: 'IP_NOT_ALLOWED', message: 'Your address may not use this endpoint.' } });
    expect(mapped(refused)).toMatchObject({
      status: 403,
      body: { message: 'Your address may not use this endpoint.', type: 'invalid_request_error', param: null, code: 'ip_not_allowed' },
    });
    expect(mapped(new NotFoundException())).toMatchObject({ status: 404, body: { message: 'Not Found', code: null } });
  });

  it('answers anything else with 500 and an error id that is logged with the cause', () => {
    const result = mapped(new TypeError('x is undefined'));
    expect(result.status).toBe(500);
    expect(result.body).toMatchObject({ type: 'server_error', message: expect.not.stringContaining('x is undefined') });
    const errorId = /error id ([0-9a-f-]{36})/.exec(result.body.message)?.[1];
    expect(result.logged).toEqual([[expect.objectContaining({ errorId })]]);
  });
});
