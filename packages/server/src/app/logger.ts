/**
 * @module Logging
 *
 * Structured JSON logs (pino) with a request id on every line. Requests are logged by method,
 * redacted URL and client address only: no header is ever logged, so no credential or cookie
 * can reach a log, and an `auth-key` in the query string is replaced by `[REDACTED]`.
 */
import pino, { type Logger, type LoggerOptions } from 'pino';

const QUERY_SECRET = /([?&]auth-key=)[^&#]*/gi;

/** A URL safe to log: query-string keys redacted. */
export function redactUrl(url: string): string {
  return url.replace(QUERY_SECRET, '$1[REDACTED]');
}

/** Logger options shared by the server and tests. */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    base: { service: 'keyward' },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Defence in depth: should a header object ever be logged, its credentials are censored.
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-api-key"]',
        'req.headers.cookie',
        'headers.authorization',
        'password',
        '*.password',
        'key',
        '*.key',
      ],
      censor: '[REDACTED]',
    },
    serializers: {
      req: (req: { method: string; url: string; ip?: string; socket?: { remoteAddress?: string } }) => ({
        method: req.method,
        url: redactUrl(req.url),
        remoteAddress: req.ip ?? req.socket?.remoteAddress,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
}

/** Builds the process logger, writing to stdout or the given stream. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level));
}
