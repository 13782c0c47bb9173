/**
 * Protecting a small Node API with Keyward's SDK: every request to /flows needs a key with the
 * `process:start` scope.
 *
 *   KEYWARD_URL=http://127.0.0.1:8080 KEYWARD_API_KEY=kw_live_… npx tsx examples/typescript/verify.ts
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from '@keyward/sdk';
import { keywardNode } from '@keyward/sdk/node';

const baseUrl = process.env.KEYWARD_URL ?? 'http://127.0.0.1:8080';
const rootKey = process.env.KEYWARD_API_KEY ?? '';
const keyward = createClient({ baseUrl, key: rootKey });

// An integrator's key, made for this demo (normally they get one from your admin UI).
const { result: issued, error } = await keyward.keys.create({
  name: 'TypeScript example',
  scopes: ['process:start'],
});
if (error) throw new Error(`could not create a key: ${error.code} ${error.message}`);

const guard = keywardNode({ verifier: keyward, scopes: ['process:start'] });
const server = createServer(async (req, res) => {
  const identity = await guard(req, res);
  if (!identity) return; // 401/403/429 already sent
  res
    .writeHead(200, { 'content-type': 'application/json' })
    .end(JSON.stringify({ started: true, by: identity.name }));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/flows`;

const allowed = await fetch(url, { headers: { authorization: `Api-Key ${issued.key}` } });
console.log('with the key:', allowed.status, await allowed.json());
const refused = await fetch(url);
console.log('without a key:', refused.status);

await keyward.keys.revoke(issued.id);
server.close();
process.exitCode = allowed.status === 200 && refused.status === 401 ? 0 : 1;
