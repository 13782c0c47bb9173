/**
 * @module HTTP server
 *
 * The Node server behind the app: its limits on slow and numerous clients, and where each
 * request goes. `POST /v1/verify` goes to its handler (routes/verify/verify-handler.ts); every
 * other request to Fastify.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { KeywardConfig } from '../config/keyward-config.ts';
import type { VerifyHandler } from '../routes/verify/verify-handler.ts';

/**
 * A `serverFactory` for Fastify. The verify handler is read through `verifyHandler()` because
 * it is built after the Fastify instance (it needs the app's services).
 */
export function httpServerFactory(
  config: KeywardConfig,
  verifyHandler: () => VerifyHandler,
): (fastify: (request: IncomingMessage, response: ServerResponse) => void) => Server {
  return (fastify) => {
    const headersTimeout = Math.min(config.headersTimeoutMs, config.requestTimeoutMs);
    const server = createServer(
      {
        // Slow clients: headers must arrive within the headers timeout (slow-loris), a whole
        // request within the request timeout. Node checks both only every
        // connectionsCheckingInterval (30 s by default), so a trickling client could hold its
        // socket that much longer; checking a few times per timeout cuts it off on time.
        headersTimeout,
        requestTimeout: config.requestTimeoutMs,
        connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersTimeout / 4))),
        keepAliveTimeout: 72_000,
      },
      (request, response) => {
        const verify = verifyHandler();
        if (verify.claims(request)) verify.handle(request, response);
        else fastify(request, response);
      },
    );
    server.setTimeout(60_000);
    // A node holds at most maxConnections sockets; more are refused at once.
    server.maxConnections = config.maxConnections;
    return server;
  };
}
