/**
 * The regression guard for the verify path: a short side-by-side run of POST /v1/verify and a
 * bare node:http server, interleaved so a noisy neighbour hits both, failing only when the
 * ratio falls below a generous floor. Absolute figures are never asserted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bootstrapWithCli, sqliteProcessEnv } from '@keyward/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { load, type Spawned, startPinned } from '../../../bench/http-bench.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'packages/cli/bin/keyward.js');
/**
 * Measured at 0.31–0.42 on the reference machine, alone or beside the rest of the suite
 * (docs/benchmarks.md); under half of the lowest fails.
 */
const FLOOR = 0.15;

describe('verify path performance guard', () => {
  let dataDir: string;
  let keyward: Spawned;
  let plain: Spawned;
  let admin: string;
  let target: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'keyward-guard-'));
    const env = sqliteProcessEnv(dataDir, { KEYWARD_PORT: '0' });
    admin = (await bootstrapWithCli(env)).apiKey;
    keyward = await startPinned([BIN, 'serve'], env);
    plain = await startPinned(['--import', 'tsx', join(ROOT, 'bench/plain-server.ts')], env);
    const created = await fetch(`${keyward.url}/v1/keys`, {
      method: 'POST',
      headers: { authorization: `Api-Key ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'guard', scopes: ['process:start'] }),
    });
    target = ((await created.json()) as { key: string }).key;
  }, 60_000);

  afterAll(async () => {
    await keyward?.stop();
    await plain?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`keeps POST /v1/verify above ${FLOOR} of a bare node:http server's throughput`, async () => {
    const request = {
      method: 'POST' as const,
      headers: { authorization: `Api-Key ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ key: target }),
      connections: 20,
      seconds: 2,
    };
    await load({ ...request, url: `${keyward.url}/v1/verify`, seconds: 1 });
    let keywardTotal = 0;
    let plainTotal = 0;
    for (let round = 0; round < 2; round++) {
      plainTotal += (await load({ ...request, url: plain.url })).requestsPerSecond;
      const measured = await load({ ...request, url: `${keyward.url}/v1/verify` });
      expect(measured.non2xx + measured.errors).toBe(0);
      keywardTotal += measured.requestsPerSecond;
    }
    const ratio = keywardTotal / plainTotal;
    console.log(`verify/plain throughput ratio: ${ratio.toFixed(3)}`);
    expect(ratio).toBeGreaterThan(FLOOR);
  }, 60_000);
});
