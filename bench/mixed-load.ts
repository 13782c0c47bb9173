/**
 * @module Mixed load
 *
 * Full-speed mixed traffic against a running Keyward: verifications (good and bad keys),
 * creations, revocations, logins and bad requests, from `concurrency` loops. Every answer is
 * checked against the statuses that operation may give; anything else is counted as an error.
 * Used by the 30-second test in CI and by `npm run soak` (10 minutes).
 */
export interface MixedLoadResult {
  requests: number;
  unexpected: string[];
  acknowledged: { created: number; revoked: number; logins: number };
}

const BAD_KEY = 'kw_live_aaaaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';

export async function runMixedLoad(options: {
  url: string;
  adminKey: string;
  login: { email: string; password: string };
  seconds: number;
  concurrency?: number;
}): Promise<MixedLoadResult> {
  const { url, adminKey } = options;
  const deadline = Date.now() + options.seconds * 1000;
  const unexpected: string[] = [];
  const acknowledged = { created: 0, revoked: 0, logins: 0 };
  let requests = 0;
  const headers = { authorization: `Api-Key ${adminKey}`, 'content-type': 'application/json' };
  const live: { id: string; key: string }[] = [];

  async function call(
    label: string,
    allowed: number[],
    path: string,
    init: RequestInit,
  ): Promise<Response | null> {
    requests++;
    try {
      const response = await fetch(url + path, init);
      if (!allowed.includes(response.status))
        unexpected.push(`${label}: ${response.status} ${await response.text()}`);
      return response;
    } catch (error) {
      unexpected.push(`${label}: ${(error as Error).message}`);
      return null;
    }
  }

  async function loop(n: number) {
    for (let i = 0; Date.now() < deadline; i++) {
      const pick = (i + n) % 10;
      if (pick <= 4) {
        const target = live[(i * 7 + n) % Math.max(1, live.length)];
        const response = await call('verify', [200], '/v1/verify', {
          method: 'POST',
          headers,
          body: JSON.stringify({ key: pick === 4 || !target ? BAD_KEY : target.key }),
        });
        await response?.arrayBuffer();
      } else if (pick <= 6) {
        const response = await call('create', [201], '/v1/keys', {
          method: 'POST',
          headers,
          body: JSON.stringify({ name: `load ${n}-${i}`, scopes: ['process:start'] }),
        });
        if (response?.status === 201) {
          const body = (await response.json()) as { id: string; key: string };
          live.push(body);
          acknowledged.created++;
        } else await response?.arrayBuffer();
      } else if (pick === 7) {
        const victim = live.shift();
        if (!victim) continue;
        const response = await call('revoke', [200], `/v1/keys/${victim.id}`, { method: 'DELETE', headers });
        if (response?.status === 200) acknowledged.revoked++;
        await response?.arrayBuffer();
      } else if (pick === 8) {
        const response = await call('login', [200, 429], '/v1/auth/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(options.login),
        });
        if (response?.status === 200) acknowledged.logins++;
        await response?.arrayBuffer();
      } else {
        const response = await call('bad request', [400], '/v1/keys', {
          method: 'POST',
          headers,
          body: '{"name":',
        });
        await response?.arrayBuffer();
      }
    }
  }

  await Promise.all(Array.from({ length: options.concurrency ?? 16 }, (_, n) => loop(n)));
  return { requests, unexpected, acknowledged };
}
