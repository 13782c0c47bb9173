/**
 * @module Logging
 *
 * Structured JSON logs (pino) with a request id on every line. Requests are logged by method,
 * redacted URL and client address only: no header is ever logged, so no credential or cookie
 * can reach a log. In the URL, the value of the key parameter is replaced by `[REDACTED]` in
 * every spelling the credential readers accept (decided once, by core's `isQueryKeyName` on the
 * decoded name), and so is any parameter or path that holds something shaped like a key.
 */
import { decodeQueryComponent, isQueryKeyName, maskKeys } from '@keyward/core';
import pino, { type Logger, type LoggerOptions } from 'pino';

const REDACTED = '[REDACTED]';

/** Whether decoded text holds something shaped like a key (or its Basic pair). */
const holdsKey = (text: string) => maskKeys(text) !== text;

/** A URL safe to log: no key in its query string or its path, however it was encoded. */
export function redactUrl(url: string): string {
  const mark = url.indexOf('?');
  const rawPath = mark === -1 ? url : url.slice(0, mark);
  const decodedPath = decodeQueryComponent(rawPath);
  const path = holdsKey(decodedPath) ? maskKeys(decodedPath) : rawPath;
  if (mark === -1) return path;
  const query = url
    .slice(mark + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawName = eq === -1 ? pair : pair.slice(0, eq);
      const name = decodeQueryComponent(rawName);
      if (isQueryKeyName(name) || holdsKey(name)) return `${holdsKey(name) ? REDACTED : rawName}=${REDACTED}`;
      return eq !== -1 && holdsKey(decodeQueryComponent(pair.slice(eq + 1)))
        ? `${rawName}=${REDACTED}`
        : pair;
    });
  return `${path}?${query.join('&')}`;
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
