import { DomainError, ErrorCode, isDomainError } from '@switchboard/core';

/** A Feishu answer with a non-zero `code` (HTTP 200 or an error status). */
export class FeishuApiError extends Error {
  constructor(
    readonly code: number,
    readonly msg: string,
    readonly httpStatus: number | undefined,
    /** Seconds, from `x-ogw-ratelimit-reset` on rate-limit answers. */
    readonly resetSeconds: number | undefined,
  ) {
    super(`${code} ${msg}`);
  }
}

/** Open Platform codes the adapter acts on (open.feishu.cn/document/server-docs/api-call-guide). */
export const FeishuCode = {
  RATE_LIMITED: 99991400,
  /** "This chat's message sending frequency triggers the limit" (per chat / per bot). */
  CHAT_RATE_LIMITED: 230020,
  /** The message has reached the number of times it can be edited (20). */
  EDIT_LIMIT_REACHED: 230072,
  TENANT_TOKEN_INVALID: 99991663,
  ACCESS_TOKEN_INVALID: 99991671,
  ACCESS_TOKEN_MISSING: 99991661,
  APP_TICKET_INVALID: 10012,
  APP_SECRET_INVALID: 10014,
  APP_ID_INVALID: 10003,
  INTERNAL_ERROR: 99991401,
} as const;

const TOKEN_INVALID = new Set<number>([FeishuCode.TENANT_TOKEN_INVALID, FeishuCode.ACCESS_TOKEN_INVALID, FeishuCode.ACCESS_TOKEN_MISSING]);
const CREDENTIALS_INVALID = new Set<number>([FeishuCode.APP_SECRET_INVALID, FeishuCode.APP_ID_INVALID, FeishuCode.APP_TICKET_INVALID]);
// Without x-ogw-ratelimit-reset, a rate-limited call waits a second (the limits are per second or per minute).
const DEFAULT_RETRY_AFTER_MS = 1_000;

/** True when the tenant_access_token the SDK cached was refused: fetching a new one may help. */
export function isTokenInvalid(error: unknown): boolean {
  return error instanceof FeishuApiError && TOKEN_INVALID.has(error.code);
}

/** Feishu refused an edit because the message had all the edits it allows (thrown as is, or inside a DomainError). */
export function isEditLimitReached(error: unknown): boolean {
  const feishuError = isDomainError(error) ? error.cause : error;
  return feishuError instanceof FeishuApiError && feishuError.code === FeishuCode.EDIT_LIMIT_REACHED;
}

/**
 * Turns what an SDK call threw (an axios error carrying Feishu's `{code, msg}`, a FeishuApiError
 * from a 200 with a non-zero code, a token fetch failure) into a FeishuApiError when Feishu
 * answered, or leaves it be.
 */
export function asFeishuError(error: unknown): unknown {
  if (error instanceof FeishuApiError) return error;
  const response = (error as { response?: { status?: number; data?: unknown; headers?: Record<string, unknown> } } | undefined)?.response;
  const data = response?.data as { code?: unknown; msg?: unknown } | undefined;
  if (response && typeof data?.code === 'number') {
    const reset = Number(response.headers?.['x-ogw-ratelimit-reset']);
    return new FeishuApiError(data.code, String(data.msg ?? ''), response.status, Number.isFinite(reset) && reset >= 0 ? reset : undefined);
  }
  // The SDK's token manager throws a plain Error naming the code when the token request is refused.
  // ("failed to get tenant_access_token, code: 10014, msg: app secret invalid")
  const tokenFailure = error instanceof Error ? /tenant_access_token, code: (\d+), msg: (.*)$/.exec(error.message) : null;
  if (tokenFailure) return new FeishuApiError(Number(tokenFailure[1]), `${tokenFailure[2]} (tenant_access_token refused)`, undefined, undefined);
  if (response?.status === 429) return new FeishuApiError(FeishuCode.RATE_LIMITED, 'too many requests', 429, undefined);
  return error;
}

export function toDomainError(operation: string, thrown: unknown): DomainError {
  if (isDomainError(thrown)) return thrown;
  const error = asFeishuError(thrown);
  if (error instanceof FeishuApiError) {
    const code = codeFor(error);
    const retryAfterMs = code === ErrorCode.RATE_LIMITED ? (error.resetSeconds !== undefined ? error.resetSeconds * 1000 : DEFAULT_RETRY_AFTER_MS) : undefined;
    return new DomainError(code, `Feishu ${operation} failed: ${error.code} ${error.msg}`, { cause: error, retryAfterMs });
  }
  // No answer from Feishu: refused connection, timeout, a proxy's error page.
  return new DomainError(ErrorCode.TEMPORARY, `Feishu ${operation} failed: ${messageOf(thrown)}`, { cause: thrown });
}

function codeFor(error: FeishuApiError): ErrorCode {
  if (error.code === FeishuCode.RATE_LIMITED || error.code === FeishuCode.CHAT_RATE_LIMITED || error.httpStatus === 429) return ErrorCode.RATE_LIMITED;
  if (TOKEN_INVALID.has(error.code) || CREDENTIALS_INVALID.has(error.code) || error.httpStatus === 401) return ErrorCode.AUTH_FAILED;
  if (error.code === FeishuCode.INTERNAL_ERROR || (error.httpStatus !== undefined && error.httpStatus >= 500)) return ErrorCode.TEMPORARY;
  if (error.httpStatus === 400) return ErrorCode.INVALID_INPUT;
  // No permission, bot not in the chat, message recalled, edit limit: a retry will not change it.
  return ErrorCode.PERMANENT;
}

function messageOf(error: unknown): string {
  // Axios errors carry the request (with the bearer token) in their fields: only the message is shown.
  return error instanceof Error ? error.message : String(error);
}
