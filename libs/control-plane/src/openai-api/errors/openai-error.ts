import { randomUUID } from 'node:crypto';
import { HttpException, Logger } from '@nestjs/common';
import { ErrorCode, isDomainError } from '@switchboard/core';

/** The `error` object of OpenAI's error responses, which clients parse into their error classes. */
export interface OpenAiErrorBody {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

/** An error answered in OpenAI's format: `{error: {message, type, param, code}}` with its HTTP status. */
export class OpenAiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string,
    readonly code: string | null = null,
    readonly param: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'OpenAiError';
  }

  get body(): { error: OpenAiErrorBody } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** Tells OpenAI's SDKs not to retry: the same request fails again until the operator acts. */
export const NO_RETRY = { 'x-should-retry': 'false' };

export const invalidRequest = (message: string, param: string | null = null, code: string | null = null) =>
  new OpenAiError(400, message, 'invalid_request_error', code, param);

/** A parameter OpenAI defines that this API does not honour: refused rather than ignored. */
export const unsupportedParameter = (param: string, message: string) => invalidRequest(message, param, 'unsupported_parameter');

export const invalidApiKey = (message: string) => new OpenAiError(401, message, 'invalid_request_error', 'invalid_api_key');

export const rateLimited = (message: string, retryAfterMs: number | undefined) =>
  new OpenAiError(429, message, 'requests', 'rate_limit_exceeded', null, retryAfterMs ? { 'retry-after': String(Math.ceil(retryAfterMs / 1000)) } : {});

/**
 * Any failure as an OpenAI error. Model-side DomainErrors keep their meaning (429 stays 429, with
 * retry-after) but not their operator detail, which is logged; a provider's AUTH_FAILED becomes
 * 502 so the client does not take it for a problem with its own key. Anything else is a 500 with
 * an error id that is logged with the cause.
 */
export function toOpenAiError(error: unknown, logger: Logger): OpenAiError {
  if (error instanceof OpenAiError) return error;
  if (isDomainError(error)) {
    if (error.code !== ErrorCode.INVALID_INPUT) logger.warn(`model request failed: ${error.message}`);
    switch (error.code) {
      case ErrorCode.INVALID_INPUT:
        return invalidRequest(error.userMessage ?? error.message);
      case ErrorCode.RATE_LIMITED:
        return rateLimited(error.userMessage ?? 'The model is rate limited; try again later.', error.retryAfterMs);
      case ErrorCode.TEMPORARY:
        return new OpenAiError(503, error.userMessage ?? 'The model is unavailable right now; try again later.', 'server_error');
      case ErrorCode.NOT_FOUND:
        return new OpenAiError(404, error.userMessage ?? error.message, 'invalid_request_error');
      case ErrorCode.CONFLICT:
        return new OpenAiError(409, error.userMessage ?? error.message, 'invalid_request_error');
      case ErrorCode.AUTH_FAILED:
      case ErrorCode.PERMANENT:
        return new OpenAiError(502, error.userMessage ?? 'The model provider refused the request.', 'server_error', null, null, NO_RETRY);
    }
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const type = status < 500 ? 'invalid_request_error' : 'server_error';
    // The gateway's own guards (IP rules) answer {error: {code, message}}: keep their words.
    const gateway = gatewayErrorOf(error.getResponse());
    return gateway ? new OpenAiError(status, gateway.message, type, gateway.code.toLowerCase()) : new OpenAiError(status, error.message, type);
  }
  const errorId = randomUUID();
  logger.error({ msg: 'unhandled error in the OpenAI-compatible API', errorId, err: error });
  return new OpenAiError(500, `The server had an error while processing your request (error id ${errorId}).`, 'server_error');
}

function gatewayErrorOf(response: unknown): { code: string; message: string } | null {
  const error = (response as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return typeof error?.code === 'string' && typeof error.message === 'string' ? { code: error.code, message: error.message } : null;
}
