/**
 * @module @keyward/sdk/fastify
 *
 * @example
 * app.get('/flows', { preHandler: keywardPreHandler({ verifier, scopes: ['process:start'] }) }, (req) => req.keyward);
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { KeyIdentity } from '../types.ts';
import { type KeywardGuardOptions, verifyRequest } from '../verify-request.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified key's identity, set by the Keyward preHandler. */
    keyward?: KeyIdentity;
  }
}

export function keywardPreHandler(options: KeywardGuardOptions) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const outcome = await verifyRequest(options, {
      rawHeaders: request.raw.rawHeaders,
      url: request.url,
      ip: request.ip,
    });
    if (!outcome.ok) {
      await reply
        .code(outcome.refusal.status)
        .headers(outcome.refusal.headers)
        .send(JSON.stringify(outcome.refusal.body));
      return;
    }
    reply.headers(outcome.headers);
    request.keyward = outcome.identity;
  };
}
