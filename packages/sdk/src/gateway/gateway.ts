/**
 * @module Gateway
 *
 * A reverse proxy in front of an upstream API. For every request it finds the first matching
 * route, verifies the credential against that route's scopes and resource (the same
 * `verifyRequest()` as the middleware), strips the credential (Authorization, X-API-Key,
 * `auth-key`), removes any `X-Keyward-*` header the client sent, adds the identity headers
 * (`X-Keyward-Key-Id`, `-Key-Name`, `-Org`, `-Owner`), and streams the body both ways. Upstream
 * answers, errors included, pass through unchanged; an unreachable upstream is a 502.
 */
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import { pipeline } from 'node:stream';
import { createClient } from '../client.ts';
import { verifyRequest } from '../verify-request.ts';
import type { GatewayConfig } from './gateway-config.ts';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

function sendError(res: ServerResponse, status: number, code: string, message: string) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(
    JSON.stringify({
      error: {
        code,
        message,
        requestId: `req_gw${Date.now().toString(36)}`,
        docs: `docs/errors.md#${code.toLowerCase()}`,
      },
    }),
  );
}

/** Builds the gateway server (not yet listening). */
export function createGateway(options: { upstream: string; config: GatewayConfig }): Server {
  const upstream = new URL(options.upstream);
  const verifier = createClient({ baseUrl: options.config.keyward.url, key: options.config.keyward.key });
  const send = upstream.protocol === 'https:' ? httpsRequest : httpRequest;

  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://gateway');
    const method = req.method ?? 'GET';
    let captures: string[] = [];
    const route = options.config.routes.find((candidate) => {
      if (candidate.method && candidate.method !== method) return false;
      const match = candidate.pattern.exec(url.pathname);
      if (match) captures = match.slice(1);
      return match !== null;
    });
    if (!route) {
      sendError(res, 404, 'ROUTE_NOT_FOUND', `No gateway route for ${method} ${url.pathname}.`);
      return;
    }
    const resource = route.resource?.replace(/\{(\d+)\}/g, (_, n: string) =>
      decodeURIComponent(captures[Number(n) - 1] ?? ''),
    );
    verifyRequest(
      { verifier, scopes: route.scopes, ...(resource ? { resource } : {}) },
      { rawHeaders: req.rawHeaders, url: req.url ?? '/', ip: req.socket.remoteAddress },
    ).then(
      (outcome) => {
        if (!outcome.ok) {
          res
            .writeHead(outcome.refusal.status, outcome.refusal.headers)
            .end(JSON.stringify(outcome.refusal.body));
          return;
        }
        const headers: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(req.headers)) {
          if (
            value === undefined ||
            HOP_BY_HOP.has(name) ||
            name === 'authorization' ||
            name === 'x-api-key' ||
            name.startsWith('x-keyward-')
          ) {
            continue;
          }
          headers[name] = value;
        }
        const identity = outcome.identity;
        headers['x-keyward-key-id'] = identity.id;
        headers['x-keyward-key-name'] = encodeURIComponent(identity.name);
        headers['x-keyward-org'] = identity.orgId;
        if (identity.ownerId) headers['x-keyward-owner'] = identity.ownerId;
        headers['x-forwarded-for'] = [req.headers['x-forwarded-for'], req.socket.remoteAddress]
          .filter(Boolean)
          .join(', ');
        url.searchParams.delete('auth-key');
        const target = new URL(url.pathname + url.search, upstream);
        target.pathname = upstream.pathname.replace(/\/$/, '') + url.pathname;
        const proxied = send(target, { method, headers }, (upstreamResponse) => {
          const responseHeaders = { ...upstreamResponse.headers, ...outcome.headers };
          for (const name of HOP_BY_HOP) delete responseHeaders[name];
          res.writeHead(upstreamResponse.statusCode ?? 502, responseHeaders);
          pipeline(upstreamResponse, res, () => {});
        });
        proxied.on('error', () => {
          if (!res.headersSent) sendError(res, 502, 'BAD_GATEWAY', 'The upstream did not answer.');
          else res.destroy();
        });
        pipeline(req, proxied, () => {});
      },
      () => sendError(res, 503, 'NOT_READY', 'The key service does not answer.'),
    );
  });
}
