/**
 * `npm run soak [-- --minutes 10]`: ten minutes of mixed traffic against a fresh server on SQLite,
 * reporting unexpected answers, memory over time and lost audit events. Not part of CI.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrapWithCli, rssOf, sqliteProcessEnv, startKeyward } from '@keyward/test-utils';
import { runMixedLoad } from './mixed-load.ts';

const minutes = Number(process.argv[process.argv.indexOf('--minutes') + 1]) || 10;
const dataDir = mkdtempSync(join(tmpdir(), 'keyward-soak-'));
const env = sqliteProcessEnv(dataDir);
const { apiKey } = await bootstrapWithCli(env);
const server = await startKeyward(env);
const rss = () => rssOf(server.child.pid ?? 0) / 1024 / 1024;
const samples: number[] = [];
const sampler = setInterval(() => samples.push(rss()), 10_000);
const result = await runMixedLoad({
  url: server.url,
  adminKey: apiKey,
  login: { email: 'ops@acme.test', password: 'correct horse battery' },
  seconds: minutes * 60,
});
clearInterval(sampler);
const audit = await (
  await fetch(`${server.url}/v1/exports/audit`, { headers: { authorization: `Api-Key ${apiKey}` } })
).text();
const count = (action: string) =>
  audit.split('\n').filter((line) => line.includes(`"action":"${action}"`)).length;
console.log(
  JSON.stringify(
    {
      minutes,
      ...result,
      unexpected: result.unexpected.slice(0, 20),
      rssMiB: samples.map(Math.round),
      audit: { created: count('key.create') - 1, revoked: count('key.revoke') },
    },
    null,
    2,
  ),
);
await server.stop();
rmSync(dataDir, { recursive: true, force: true });
process.exit(result.unexpected.length === 0 ? 0 : 1);
