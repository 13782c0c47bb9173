/** A tiny route protected by the SDK middleware with the local cached verifier. */
import { createServer } from 'node:http';
import { createCachedVerifier, createClient } from '@keyward/sdk';
import { keywardNode } from '@keyward/sdk/node';

const baseUrl = process.env.KEYWARD_URL ?? '';
const key = process.env.KEYWARD_API_KEY ?? '';
const verifier = createCachedVerifier({ client: createClient({ baseUrl, key }), baseUrl, key });
const guard = keywardNode({ verifier, scopes: ['process:start'] });
const body = JSON.stringify({ ok: true });
const server = createServer(async (req, res) => {
  const identity = await guard(req, res);
  if (!identity) return;
  res
    .writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
    .end(body);
});
server.listen(0, '127.0.0.1', () => {
  const wait = setInterval(() => {
    if (!verifier.isLive()) return;
    clearInterval(wait);
    process.stdout.write(`listening on http://127.0.0.1:${(server.address() as { port: number }).port}\n`);
  }, 20);
});
