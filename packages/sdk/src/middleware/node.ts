/**
 * @module @keyward/sdk/node
 *
 * Guards a plain `node:http` handler.
 *
 * @example
 * const guard = keywardNode({ verifier: createClient({ baseUrl, key }), scopes: ['process:start'] });
 * http.createServer(async (req, res) => {
 *   const identity = await guard(req, res);
 *   if (!identity) return; // already answered 401/403/429
 *   res.end(`hello ${identity.name}`);
 * });
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KeyIdentity } from '../types.ts';
import { type KeywardGuardOptions, verifyRequest } from '../verify-request.ts';

export function keywardNode(options: KeywardGuardOptions) {
  return async (
    req: IncomingMessage & { keyward?: KeyIdentity },
    res: ServerResponse,
  ): Promise<KeyIdentity | null> => {
    const outcome = await verifyRequest(options, {
      rawHeaders: req.rawHeaders,
      url: req.url ?? '/',
      ip: req.socket.remoteAddress,
    });
    if (!outcome.ok) {
      res
        .writeHead(outcome.refusal.status, outcome.refusal.headers)
        .end(JSON.stringify(outcome.refusal.body));
      return null;
    }
    for (const [name, value] of Object.entries(outcome.headers)) res.setHeader(name, value);
    req.keyward = outcome.identity;
    return outcome.identity;
  };
}
