/**
 * Thirty seconds of full-speed mixed traffic in CI (the ten-minute soak is `npm run soak`):
 * no answer outside the expected codes, memory within a bound, no lost audit event.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bootstrapWithCli,
  type KeywardProcess,
  rssOf,
  sqliteProcessEnv,
  startKeyward,
} from '@keyward/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMixedLoad } from '../../../bench/mixed-load.ts';

describe('sqlite: mixed load', () => {
  let dataDir: string;
  let server: KeywardProcess;
  let admin: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'keyward-load-'));
    const env = sqliteProcessEnv(dataDir);
    admin = (await bootstrapWithCli(env)).apiKey;
    server = await startKeyward(env);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves 30 s of verifies, creates, revokes, logins and bad requests with nothing unexpected and nothing lost', async () => {
    const rss = () => rssOf(server.child.pid ?? 0);
    const samples: number[] = [];
    const sampler = setInterval(() => samples.push(rss()), 2000);
    const result = await runMixedLoad({
      url: server.url,
      adminKey: admin,
      login: { email: 'ops@acme.test', password: 'correct horse battery' },
      seconds: 30,
    });
    clearInterval(sampler);
    console.log(
      `${result.requests} requests; ${JSON.stringify(result.acknowledged)}; RSS MiB ${samples.map((s) => Math.round(s / 2 ** 20)).join(' ')}`,
    );
    expect(result.unexpected.slice(0, 5)).toEqual([]);
    expect(result.requests).toBeGreaterThan(1000);
    // Memory levels off: the second half of the run stays within 96 MiB of the middle (GC swings ~50 MiB).
    const middle = samples[Math.floor(samples.length / 2)] ?? 0;
    expect(Math.max(...samples) - middle).toBeLessThan(96 * 2 ** 20);
    const audit = await (
      await fetch(`${server.url}/v1/exports/audit`, { headers: { authorization: `Api-Key ${admin}` } })
    ).text();
    const count = (action: string) =>
      audit.split('\n').filter((line) => line.includes(`"action":"${action}"`)).length;
    // One key.create is the bootstrap admin key's.
    expect(count('key.create') - 1).toBeGreaterThanOrEqual(result.acknowledged.created);
    expect(count('key.revoke')).toBeGreaterThanOrEqual(result.acknowledged.revoked);
    expect(count('auth.login')).toBeGreaterThanOrEqual(result.acknowledged.logins);
  }, 90_000);
});
