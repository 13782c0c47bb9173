/**
 * @module Error rendering
 *
 * One handler turns every failure into `{ error: { code, message, requestId, docs } }`.
 * Expected failures are {@link KeywardError}s; framework errors (validation, body parsing,
 * size) are mapped to stable codes; anything else is logged in full and answered with a
 * generic `INTERNAL_ERROR`, never with its message.
 */
import { ERROR_CODES, type ErrorCode, isKeywardError } from '@keyward/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

const DOCS_BASE = 'docs/errors.md#';

/** Sends the error body for `code`. */
export function sendError(
  reply: FastifyReply,
  code: ErrorCode,
  options: {
    message?: string | undefined;
    details?: Record<string, unknown> | undefined;
    status?: number;
  } = {},
) {
  const body = {
    error: {
      code,
      message: options.message ?? ERROR_CODES[code].message,
      requestId: String(reply.request.id),
      docs: DOCS_BASE + code.toLowerCase(),
      ...(options.details ? { details: options.details } : {}),
    },
  };
  return reply
    .code(options.status ?? ERROR_CODES[code].status)
    .type('application/json')
    .send(body);
}

const FRAMEWORK_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
};

/** Describes an ajv validation failure in one sentence, naming the field. */
function describeValidation(error: FastifyError): { message: string; field: string | undefined } {
  const first = error.validation?.[0];
  if (!first) return { message: 'The request is not valid.', field: undefined };
  const path = first.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const unknown = (first.params as { additionalProperty?: string }).additionalProperty;
  const field = unknown ? (path ? `${path}.${unknown}` : unknown) : path || undefined;
  const where = error.validationContext ?? 'request';
  if (unknown) return { message: `Unknown field "${field}" in ${where}.`, field };
  return { message: `${field ? `"${field}"` : where} ${first.message ?? 'is not valid'}.`, field };
}

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (isKeywardError(error)) {
    if (error.headers) reply.headers(error.headers);
    return sendError(reply, error.code, { message: error.message, details: error.details });
  }
  if (error.validation) {
    const { message, field } = describeValidation(error);
    return sendError(reply, 'VALIDATION_FAILED', { message, details: field ? { field } : undefined });
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
