import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { DomainError, ErrorCode, isDomainError } from '@switchboard/core';
import { ControlPlaneError, ErrorCodeName, ErrorCodes, ErrorShape, errorShape } from '../protocol/protocol-error';

const DOMAIN_TO_PROTOCOL: Record<ErrorCode, ErrorCodeName> = {
  [ErrorCode.INVALID_INPUT]: ErrorCodes.INVALID_REQUEST,
  [ErrorCode.NOT_FOUND]: ErrorCodes.INVALID_REQUEST,
  [ErrorCode.CONFLICT]: ErrorCodes.INVALID_REQUEST,
  [ErrorCode.AUTH_FAILED]: ErrorCodes.FORBIDDEN,
  [ErrorCode.RATE_LIMITED]: ErrorCodes.UNAVAILABLE,
  [ErrorCode.TEMPORARY]: ErrorCodes.UNAVAILABLE,
  [ErrorCode.PERMANENT]: ErrorCodes.UNAVAILABLE,
};

/**
 * The error frame for whatever a method handler threw. Protocol and domain errors keep their code
 * (the domain code goes to `details.code`); anything else is logged under an errorId that the
 * client sees, so an operator can find the cause without the client seeing internals.
 */
export function toErrorShape(error: unknown, logger: Logger): ErrorShape {
  if (error instanceof ControlPlaneError) return error.toShape();
  if (isDomainError(error)) return fromDomainError(error);
  const errorId = randomUUID();
  logger.error(`method failed (errorId ${errorId})`, error instanceof Error ? error.stack : String(error));
  return errorShape(ErrorCodes.UNAVAILABLE, `internal error (errorId ${errorId})`, { details: { errorId }, retryable: true });
}

function fromDomainError(error: DomainError): ErrorShape {
  return errorShape(DOMAIN_TO_PROTOCOL[error.code], error.message, {
    details: { code: error.code },
    retryable: error.retryable,
    ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
  });
}
