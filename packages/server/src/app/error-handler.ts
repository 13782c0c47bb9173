/**
 * @module Error rendering
 *
 * One handler turns every failure into `{ error: { code, message, requestId, docs } }`.
 * Expected failures are {@link KeywardError}s; an unavailable store is `STORE_UNAVAILABLE`
 * (503, with `Retry-After`); framework errors (validation, body parsing, size) are mapped to
 * stable codes; anything else is logged in full and answered with a generic `INTERNAL_ERROR`,
 * never with its message.
 */
import { ERROR_CODES, type ErrorCode, isKeywardError, KeywardError } from '@keyward/core';
import { isStoreUnavailable } from '@keyward/storage';
import type { FastifyError, FastifyReply, FastifyRequest, FastifySchemaValidationError } from 'fastify';
import type { OutageReporter } from './outage-log.ts';

const DOCS_BASE = 'docs/errors.md#';

/** How an error is told, beyond its code. */
export interface ErrorOptions {
  message?: string | undefined;
  details?: Record<string, unknown> | undefined;
  status?: number;
}

/** The error body for `code`, shared by the Fastify routes and the verify handler. */
export function errorBody(code: ErrorCode, requestId: string, options: ErrorOptions = {}) {
  return {
    error: {
      code,
      message: options.message ?? ERROR_CODES[code].message,
      requestId,
      docs: DOCS_BASE + code.toLowerCase(),
      ...(options.details ? { details: options.details } : {}),
    },
  };
}

const SCHEMES = 'Api-Key realm="keyward"';
const BASIC = 'Basic realm="keyward", charset="UTF-8"';
const CHALLENGES = {
  /** No credential came: the schemes to use (RFC 7235 §3.1), with no error (RFC 6750 §3.1). */
  missing: `${SCHEMES}, Bearer realm="keyward", ${BASIC}`,
  /** A credential came and is not good: RFC 6750's `invalid_token` for the Bearer scheme. */
  invalid: `${SCHEMES}, Bearer realm="keyward", error="invalid_token", ${BASIC}`,
} as const;

/**
 * The headers an error answer carries beyond its body: every 401 says, in `WWW-Authenticate`,
 * which schemes Keyward accepts, and whether the credential given was the trouble.
 */
export function errorHeaders(code: ErrorCode): Readonly<Record<string, string>> | undefined {
  if (ERROR_CODES[code].status !== 401) return undefined;
  return code === 'UNAUTHENTICATED' ? MISSING_HEADERS : INVALID_HEADERS;
}
const MISSING_HEADERS = Object.freeze({ 'www-authenticate': CHALLENGES.missing });
const INVALID_HEADERS = Object.freeze({ 'www-authenticate': CHALLENGES.invalid });

/** Sends the error body for `code`. */
export function sendError(reply: FastifyReply, code: ErrorCode, options: ErrorOptions = {}) {
  const headers = errorHeaders(code);
  if (headers) reply.headers(headers);
  return reply
    .code(options.status ?? ERROR_CODES[code].status)
    .type('application/json')
    .send(errorBody(code, String(reply.request.id), options));
}

/**
 * `Retry-After` of an outage's 503, in seconds: a node finds a returning database or Redis
 * within about a second (connections are replaced on next use, Redis reconnects every ≤ 1 s).
 */
export const OUTAGE_RETRY_AFTER_SECONDS = 1;

/**
 * The stable error an expected failure stands for: a {@link KeywardError} as it is, an
 * unavailable store as `STORE_UNAVAILABLE`; undefined for anything else (a bug). Shared by the
 * Fastify routes and the verify handler (routes/verify/verify-handler.ts), so both answer an
 * outage alike.
 */
export function expectedError(error: unknown, outages?: OutageReporter): KeywardError | undefined {
  if (isKeywardError(error)) return error;
  if (isStoreUnavailable(error)) {
    outages?.(error.reason);
    return new KeywardError('STORE_UNAVAILABLE', {
      message: error.message,
      cause: error,
      headers: { 'retry-after': String(OUTAGE_RETRY_AFTER_SECONDS) },
    });
  }
  return undefined;
}

const FRAMEWORK_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
};

type AjvError = Pick<FastifySchemaValidationError, 'instancePath' | 'params' | 'message'>;

/**
 * Renders an Ajv validation failure as `VALIDATION_FAILED` options: one sentence naming the
 * field, and the field in the details.
 */
export function describeValidation(errors: readonly AjvError[] | undefined, where = 'request'): ErrorOptions {
  const first = errors?.[0];
  if (!first) return { message: 'The request is not valid.' };
  const path = first.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const unknown = (first.params as { additionalProperty?: string }).additionalProperty;
  const field = unknown ? (path ? `${path}.${unknown}` : unknown) : path || undefined;
  const message = unknown
    ? `Unknown field "${field}" in ${where}.`
    : `${field ? `"${field}"` : where} ${first.message ?? 'is not valid'}.`;
  return { message, details: field ? { field } : undefined };
}

/**
 * The app's one error handler; `outages` is told of every answer a dependency's outage caused.
 */
export function createErrorHandler(outages: OutageReporter) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const expected = expectedError(error, outages);
    if (expected) {
      if (expected.headers) reply.headers(expected.headers);
      return sendError(reply, expected.code, { message: expected.message, details: expected.details });
    }
    return unexpectedError(error, request, reply);
  };
}

function unexpectedError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error.validation) {
    return sendError(
      reply,
      'VALIDATION_FAILED',
      describeValidation(error.validation, error.validationContext),
    );
  }
  const mapped = error.code ? FRAMEWORK_CODES[error.code] : undefined;
  if (mapped) return sendError(reply, mapped);
  if (error instanceof SyntaxError || (error.statusCode === 400 && /JSON/i.test(error.message))) {
    return sendError(reply, 'MALFORMED_JSON');
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    request.log.info({ err: { code: error.code, message: error.message } }, 'client error');
    return sendError(reply, 'VALIDATION_FAILED', { status: error.statusCode === 413 ? 413 : 400 });
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendError(reply, 'INTERNAL_ERROR');
}
