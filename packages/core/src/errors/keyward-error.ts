import { ERROR_CODES, type ErrorCode } from './codes.ts';

/** Options of {@link KeywardError}. */
export interface KeywardErrorOptions {
  /** A message for the caller; defaults to the catalogue's. Never put a secret here. */
  message?: string;
  /** The underlying error, kept for logs only. */
  cause?: unknown;
  /** Extra machine-readable detail sent with the error (e.g. the failing field). */
  details?: Record<string, unknown>;
  /** Extra response headers (e.g. `Retry-After`). */
  headers?: Record<string, string>;
}

/**
 * An expected failure with a stable code. The HTTP layer renders it as
 * `{ error: { code, message, requestId, docs } }` with the code's status.
 *
 * @example
 * throw new KeywardError('NOT_FOUND', { message: 'No key with id key_123.' });
 */
export class KeywardError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(code: ErrorCode, options: KeywardErrorOptions = {}) {
    super(options.message ?? ERROR_CODES[code].message, { cause: options.cause });
    this.name = 'KeywardError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.details = options.details;
    this.headers = options.headers;
  }
}

/** True when `value` is a {@link KeywardError}. */
export function isKeywardError(value: unknown): value is KeywardError {
  return value instanceof KeywardError;
}
