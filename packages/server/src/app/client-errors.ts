/**
 * @module Errors below the framework
 *
 * Some requests never reach a route: bytes that are not HTTP (two Content-Length headers,
 * Content-Length with Transfer-Encoding, obsolete line folding…), headers over Node's 16 KiB,
 * a client too slow to send its request, a path Fastify's router cannot take. They get the
 * same answer shape as everything else — `{"error":{"code","message","requestId","docs"}}` with
 * a stable code — instead of Node's or Fastify's own.
 */
import type { Socket } from 'node:net';
import { ERROR_CODES, type ErrorCode, newId } from '@keyward/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { errorBody, sendError } from './error-handler.ts';

/** Node's client error codes → Keyward's. */
function codeOf(error: NodeJS.ErrnoException): ErrorCode {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'REQUEST_TIMEOUT';
  if (error.code === 'HPE_HEADER_OVERFLOW') return 'HEADERS_TOO_LARGE';
  return 'MALFORMED_REQUEST';
}

/**
 * Answers a request Node could not parse, on its socket, then closes it (the stream cannot be
 * trusted after a parse error). For Fastify's `clientErrorHandler`.
 */
export function clientErrorHandler(logger: Logger) {
  return (error: NodeJS.ErrnoException, socket: Socket): void => {
    // A reset connection has nobody to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const code = codeOf(error);
    const requestId = newId('request');
    logger.info({ requestId, err: { code: error.code, message: error.message } }, 'client error');
    if (socket.writable) {
      const body = JSON.stringify(errorBody(code, requestId));
      const status = ERROR_CODES[code].status;
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  };
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

/** Fastify's router errors (a path it cannot decode, a parameter over its length) → Keyward's. */
export function frameworkErrors(
  error: Error & { code?: string },
  _request: FastifyRequest,
  reply: FastifyReply,
) {
  return sendError(reply, error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'URI_TOO_LONG' : 'MALFORMED_REQUEST');
}
