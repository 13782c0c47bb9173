/**
 * @module @keyward/sdk/hono
 *
 * @example
 * app.get('/flows', keyward({ verifier, scopes: ['process:start'] }), (c) => c.json(c.get('keyward')));
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { KeyIdentity } from '../types.ts';
import { type KeywardGuardOptions, verifyRequest } from '../verify-request.ts';

export type KeywardVariables = { keyward: KeyIdentity };

export function keyward(
  options: KeywardGuardOptions & { clientIp?: (c: Context) => string | undefined },
): MiddlewareHandler<{ Variables: KeywardVariables }> {
  return async (c, next) => {
    // Fetch's Headers joins repeated headers with ", ", which the parser then rejects.
    const rawHeaders: string[] = [];
    c.req.raw.headers.forEach((value, name) => {
      rawHeaders.push(name, value);
    });
    const outcome = await verifyRequest(options, { rawHeaders, url: c.req.url, ip: options.clientIp?.(c) });
    if (!outcome.ok) {
      return new Response(JSON.stringify(outcome.refusal.body), {
        status: outcome.refusal.status,
        headers: outcome.refusal.headers,
      });
    }
    for (const [name, value] of Object.entries(outcome.headers)) c.header(name, value);
    c.set('keyward', outcome.identity);
    await next();
  };
}
