/**
 * @module Request identity
 *
 * The request id and the client address of a raw Node request, computed the same way for the
 * Fastify routes and the verify handler, so logs, error bodies and the brute-force guard
 * agree whichever path answered.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
// Fresh ids are a per-process prefix (start time and a random tag, so nodes started in the
// same millisecond differ) and a counter: ordered within a process, and cheap (one number to
// text per request).
const ID_PREFIX = `req_${Date.now().toString(36)}${randomBytes(3).toString('hex')}_`;
let requestCounter = 0;

/** The caller's `X-Request-Id` when it is a sane token, else a fresh one. */
export function requestIdOf(request: IncomingMessage): string {
  return requestIdFrom(request.headers['x-request-id']);
}

/** {@link requestIdOf} for a header value already read (several values arrive joined by `, `). */
export function requestIdFrom(incoming: string | string[] | undefined): string {
  if (typeof incoming === 'string' && REQUEST_ID.test(incoming)) return incoming;
  requestCounter++;
  return ID_PREFIX + requestCounter.toString(36);
}

/**
 * The client address as Fastify computes `request.ip` for the same `trustProxy` setting: the
 * socket's peer, or, behind trusted proxies, the nearest untrusted `X-Forwarded-For` hop.
 */
export function clientAddressOf(
  trustProxy: boolean | readonly string[],
): (request: IncomingMessage) => string {
  if (trustProxy === false) return (request) => request.socket.remoteAddress ?? '';
  const trust = trustProxy === true ? () => true : proxyAddr.compile([...trustProxy]);
  return (request) => proxyAddr(request, trust);
}
