/** Top-level error codes of the control-plane protocol (PROTOCOL.md, "Error shape"). */
export const ErrorCodes = {
  INVALID_REQUEST: 'INVALID_REQUEST',
  FORBIDDEN: 'FORBIDDEN',
  NOT_PAIRED: 'NOT_PAIRED',
  UNAVAILABLE: 'UNAVAILABLE',
  AGENT_TIMEOUT: 'AGENT_TIMEOUT',
} as const;

export type ErrorCodeName = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** `details.code` values that refine a top-level code; the first block is named by PROTOCOL.md. */
export const DetailCodes = {
  AUTH_TOKEN_MISMATCH: 'AUTH_TOKEN_MISMATCH',
  AUTH_TOKEN_MISSING: 'AUTH_TOKEN_MISSING',
  PROTOCOL_MISMATCH: 'PROTOCOL_MISMATCH',
  DEVICE_IDENTITY_REQUIRED: 'DEVICE_IDENTITY_REQUIRED',
  PAIRING_REQUIRED: 'PAIRING_REQUIRED',
  DEVICE_AUTH_SIGNATURE_INVALID: 'DEVICE_AUTH_SIGNATURE_INVALID',
  DEVICE_AUTH_NONCE_MISMATCH: 'DEVICE_AUTH_NONCE_MISMATCH',
  DEVICE_AUTH_SIGNATURE_EXPIRED: 'DEVICE_AUTH_SIGNATURE_EXPIRED',
  MISSING_SCOPE: 'MISSING_SCOPE',
  // Switchboard's own refinements for cases PROTOCOL.md leaves unnamed.
  AUTH_PASSWORD_MISMATCH: 'AUTH_PASSWORD_MISMATCH',
  DEVICE_AUTH_DEVICE_ID_MISMATCH: 'DEVICE_AUTH_DEVICE_ID_MISMATCH',
  DEVICE_AUTH_PUBLIC_KEY_INVALID: 'DEVICE_AUTH_PUBLIC_KEY_INVALID',
  INVALID_FRAME: 'INVALID_FRAME',
  INVALID_PARAMS: 'INVALID_PARAMS',
  CONNECT_REQUIRED: 'CONNECT_REQUIRED',
  ALREADY_CONNECTED: 'ALREADY_CONNECTED',
  UNKNOWN_METHOD: 'UNKNOWN_METHOD',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  NOT_FOUND: 'NOT_FOUND',
  PAIRING_REQUESTS_FULL: 'PAIRING_REQUESTS_FULL',
} as const;

export type DetailCode = (typeof DetailCodes)[keyof typeof DetailCodes];

export interface ErrorDetails {
  code?: string;
  [key: string]: unknown;
}

/** The `error` member of a failed `res` frame. */
export interface ErrorShape {
  code: string;
  message: string;
  details?: ErrorDetails;
  retryable?: boolean;
  retryAfterMs?: number;
}

export interface ControlPlaneErrorOptions {
  details?: ErrorDetails;
  retryable?: boolean;
  retryAfterMs?: number;
}

/** Thrown by method handlers to answer with a specific protocol error. */
export class ControlPlaneError extends Error {
  constructor(
    readonly code: ErrorCodeName,
    message: string,
    readonly options: ControlPlaneErrorOptions = {},
  ) {
    super(message);
    this.name = 'ControlPlaneError';
  }

  toShape(): ErrorShape {
    return errorShape(this.code, this.message, this.options);
  }
}

export function errorShape(code: ErrorCodeName, message: string, options: ControlPlaneErrorOptions = {}): ErrorShape {
  return {
    code,
    message,
    ...(options.details ? { details: options.details } : {}),
    ...(options.retryable !== undefined ? { retryable: options.retryable } : {}),
    ...(options.retryAfterMs !== undefined ? { retryAfterMs: options.retryAfterMs } : {}),
  };
}
