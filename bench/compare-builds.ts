/**
 * `npx tsx bench/compare-builds.ts <keyward bin A> <keyward bin B>`: two builds of Keyward side by
 * side on one SQLite database, `POST /v1/verify` of a cached key in alternated rounds (each server
 * pinned to core 1, the load generator to core 0), with each one's CPU per request. For a
 * change to the verify path: A is the build before it (say a `git archive` of the previous
 * commit), B the one after. ROUNDS and SECONDS tune the run (default 6 rounds of 3 s).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bootstrapWithCli,
  load,
  pinSelf,
  type Round,
  type Side,
  sideBySide,
  sqliteProcessEnv,
  startPinned,
} from '@keyward/test-utils';

const [binA, binB] = process.argv.slice(2);
if (!binA || !binB) {
  process.stderr.write('usage: tsx bench/compare-builds.ts <keyward bin A> <keyward bin B>\n');
  process.exit(2);
}
const rounds = Number(process.env.ROUNDS ?? 6);
const seconds = Number(process.env.SECONDS ?? 3);
pinSelf();
const dataDir = mkdtempSync(join(tmpdir(), 'keyward-compare-'));
const env = sqliteProcessEnv(dataDir, { KEYWARD_PORT: '0' });
const admin = (await bootstrapWithCli(env)).apiKey;
const a = await startPinned([binA, 'serve'], env);
const b = await startPinned([binB, 'serve'], env);
const created = await fetch(`${a.url}/v1/keys`, {
  method: 'POST',
  headers: { authorization: `Api-Key ${admin}`, 'content-type': 'application/json' },
  body: JSON.stringify({ name: 'compare', scopes: ['process:start'] }),
});
const target = ((await created.json()) as { key: string }).key;
const request = {
  method: 'POST' as const,
  headers: { authorization: `Api-Key ${admin}`, 'content-type': 'application/json' },
  body: JSON.stringify({ key: target, scopes: ['process:start'] }),
  seconds,
};
const sideA: Side = { server: a, load: { ...request, url: `${a.url}/v1/verify` } };
const sideB: Side = { server: b, load: { ...request, url: `${b.url}/v1/verify` } };
// A fresh server pinned to one core shares it with V8's compilers for its first seconds.
await load({ ...sideA.load, seconds: 5 });
await load({ ...sideB.load, seconds: 5 });
const result = await sideBySide({ baseline: sideA, contender: sideB, rounds, seconds });
const describe = (r: Round) =>
  `${Math.round(r.requestsPerSecond)} req/s, ${r.cpuMicrosPerRequest?.toFixed(1)} µs CPU/request, p99 ${r.p99Ms} ms, ${r.non2xx + r.errors} failures`;
const perRound = (rs: Round[]) => rs.map((r) => r.cpuMicrosPerRequest?.toFixed(1)).join(', ');
process.stdout.write(
  [
    `A: ${describe(result.medians.baseline)} (CPU per round: ${perRound(result.baseline)})`,
    `B: ${describe(result.medians.contender)} (CPU per round: ${perRound(result.contender)})`,
    `B / A throughput ${result.ratio.toFixed(3)} (rounds ${result.ratios.map((r) => r.toFixed(2)).join(', ')}); ` +
      `CPU per request A / B ${result.cpuRatio?.toFixed(3)}`,
  ].join('\n') + '\n',
);
await a.stop();
await b.stop();
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
