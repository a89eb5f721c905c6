/**
 * The one error code set shared by every module. Vendor and driver errors are mapped to these so
 * that callers (the queue worker above all) decide retries from the code, not from the vendor.
 */
export const ErrorCode = {
  RATE_LIMITED: 'RATE_LIMITED',
  TEMPORARY: 'TEMPORARY',
  AUTH_FAILED: 'AUTH_FAILED',
  PERMANENT: 'PERMANENT',
  INVALID_INPUT: 'INVALID_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface DomainErrorOptions {
  /** A message safe to show to an end user; the `message` itself may hold operator detail. */
  userMessage?: string;
  /** For RATE_LIMITED: how long the caller should wait before trying again. */
  retryAfterMs?: number;
  cause?: unknown;
}

export class DomainError extends Error {
  readonly userMessage?: string;
  readonly retryAfterMs?: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: DomainErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'DomainError';
    this.userMessage = options.userMessage;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** Whether doing the same thing again later can succeed. */
  get retryable(): boolean {
    return this.code === ErrorCode.RATE_LIMITED || this.code === ErrorCode.TEMPORARY;
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
