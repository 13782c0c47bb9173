/**
 * `npm run bench [-- --quick]`: Keyward's verify path measured side by side with a bare
 * node:http server, in one run on this machine. Prints a table and writes
 * bench/results/latest.json. See docs/benchmarks.md for how to read it.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSecretHasher, createVerifier, type KeyLookup, newId } from '@keyward/core';
import { bootstrap, createApp, createLogger, loadConfig, systemPrincipal } from '@keyward/server';
import { openStore, type Store } from '@keyward/storage';
import {
  createTestDatabase,
  HAS_TASKSET,
  HAS_VALGRIND,
  load,
  median,
  pinSelf,
  type Round,
  rssOf,
  type Side,
  type SideBySideResult,
  sideBySide,
  sqliteProcessEnv,
  startPinned,
  TEST_PEPPER,
} from '@keyward/test-utils';

const quick = process.argv.includes('--quick');
/** HTTP comparisons alternate the two servers, this many runs of this many seconds each. */
const ROUNDS = quick ? 3 : 5;
const ROUND_SECONDS = quick ? 2 : 4;
/**
 * Load before the first round: pinned to one core, a server shares it with V8's compiler
 * threads, and a fresh one needs 2–3 s of load before it runs optimised code (measured at
 * ~15k req/s in its first two seconds against ~25k after).
 */
const WARM_UP_SECONDS = quick ? 3 : 5;
const SCALE_KEYS = quick ? 100_000 : 1_000_000;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'packages/cli/bin/keyward.js');
const PEPPER = { version: 1, secret: Buffer.from(TEST_PEPPER.slice(2), 'base64') };

const rows: { name: string; value: string; note?: string }[] = [];
const json: Record<string, unknown> = {
  quick,
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  cpu: cpus()[0]?.model,
  taskset: HAS_TASKSET,
};
const record = (name: string, value: string, note?: string) => {
  rows.push({ name, value, ...(note ? { note } : {}) });
  process.stderr.write(`  ${name}: ${value}${note ? `  (${note})` : ''}\n`);
};

const describeRound = (r: Round) =>
  `${Math.round(r.requestsPerSecond).toLocaleString('en')} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms` +
  (r.cpuMicrosPerRequest === null ? '' : `, ${r.cpuMicrosPerRequest.toFixed(1)} µs CPU/request`) +
  (r.busy.server === null ? '' : `, server ${Math.round(r.busy.server * 100)}% busy`);

/** Records a side-by-side comparison: the baseline's row (unless already shown), then the contender's. */
function recordSideBySide(
  baseline: string,
  contender: string,
  result: SideBySideResult,
  showBaseline = true,
) {
  const { medians, ratios } = result;
  const failures = (r: Round) => `${r.non2xx + r.errors} failures`;
  if (showBaseline)
    record(
      `HTTP ${baseline}`,
      describeRound(medians.baseline),
      `1.00 × plain, ${failures(medians.baseline)}`,
    );
  const spread = `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;
  const cpu = result.cpuRatio === null ? '' : `; CPU per request ${result.cpuRatio.toFixed(2)} × plain's`;
  const base = showBaseline
    ? ''
    : `; plain ${Math.round(medians.baseline.requestsPerSecond).toLocaleString('en')} req/s in these rounds`;
  const held =
    result.generatorBoundRounds === 0
      ? ''
      : `; in ${result.generatorBoundRounds} the plain server waited on the load generator` +
        (result.serverBoundRatio === null ? '' : `, ${result.serverBoundRatio.toFixed(2)} × in the others`);
  record(
    `HTTP ${contender}`,
    describeRound(medians.contender),
    `${result.ratio.toFixed(2)} × plain (median of ${ratios.length} alternated rounds, ${spread}${held})${cpu}${base}, ${failures(medians.contender)}`,
  );
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(out))));
  });
}

/** Inserts `count` keys (and secrets) directly, in multi-row batches. */
async function bulkInsertKeys(store: Store, orgId: string, count: number): Promise<void> {
  const hasher = createSecretHasher({ peppers: [PEPPER] });
  const { digest, pepperVersion } = hasher.hash('x'.repeat(33));
  const now = Date.now();
  const batch = 500;
  for (let offset = 0; offset < count; offset += batch) {
    const ids = Array.from(
      { length: Math.min(batch, count - offset) },
      (_, i) => `key_b${String(offset + i).padStart(11, '0')}`,
    );
    await store.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('api_keys')
        .values(
          ids.map((id) => ({
            id,
            org_id: orgId,
            name: 'bulk',
            owner_id: null,
            created_by_type: 'system',
            created_by_id: null,
            created_by_name: 'bench',
            environment: 'live',
            scopes: '["process:start"]',
            resources: null,
            enabled: 1,
            revoked_at: null,
            expires_at: null,
            metadata: '{}',
            rate_limit_limit: null,
            rate_limit_window_s: null,
            quota_remaining: null,
            quota_refill_amount: null,
            quota_refill_interval_s: null,
            quota_refilled_at: null,
            ip_allowlist: null,
            created_at: now,
            updated_at: now,
            last_used_at: null,
          })),
        )
        .execute();
      await trx
        .insertInto('key_secrets')
        .values(
          ids.map((id) => ({
            id: newId('secret'),
            key_id: id,
            slot: 'primary',
            digest,
            pepper_version: pepperVersion,
            hint: 'bulk',
            created_at: now,
            expires_at: null,
          })),
        )
        .execute();
    });
  }
}

/**
 * Median µs of a cold lookup + verify (no cache) over `keys`. The 2,000 samples are taken in
 * ten batches a tenth of a second apart, so a neighbour's burst of a few dozen milliseconds
 * falls on one batch rather than on the whole measure (one burst moved a back-to-back median
 * from ~35 to ~68 µs).
 */
async function coldVerify(store: Store, tokens: string[]): Promise<number> {
  const lookup: KeyLookup = { findByKeyId: (id) => store.loadVerifiableKey(newId('key', id), Date.now()) };
  const verifier = createVerifier({
    prefix: 'kw',
    lookup,
    hasher: createSecretHasher({ peppers: [PEPPER] }),
    clock: Date.now,
    environments: { productionSlug: () => 'live', slugs: () => ['live', 'test'] },
  });
  const samples: number[] = [];
  for (let i = 0; i < 2000; i++) {
    if (i > 0 && i % 200 === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    const token = tokens[i % tokens.length] as string;
    const start = process.hrtime.bigint();
    const result = await verifier.verify({ key: token });
    samples.push(Number(process.hrtime.bigint() - start) / 1000);
    if (!result.valid) throw new Error(`cold verify failed: ${result.code}`);
  }
  return median(samples);
}

async function inProcess(dialect: 'sqlite' | 'postgres') {
  const database = await createTestDatabase(dialect);
  const config = loadConfig({
    KEYWARD_DATA_DIR: database.dataDir,
    KEYWARD_DATABASE_URL:
      database.storage.driver === 'postgres' ? database.storage.url : `sqlite:${database.storage.path}`,
    KEYWARD_PEPPER: TEST_PEPPER,
    KEYWARD_LOG_LEVEL: 'silent',
  });
  const store = openStore(config.storage);
  await store.migrate();
  const { app, context } = await createApp({
    config,
    store,
    peppers: [PEPPER],
    logger: createLogger('silent'),
  });
  const admin = await bootstrap(
    { store, keys: context.keys, clock: Date.now },
    { orgName: 'Bench', email: 'b@bench.test', password: 'correct horse battery' },
    { ip: null, userAgent: null, requestId: null },
  );
  const principal = systemPrincipal(admin.org.id);
  const ctx = { ip: null, userAgent: null, requestId: null };

  let start = performance.now();
  const creates = quick ? 300 : 1000;
  const tokens: string[] = [];
  for (let i = 0; i < creates; i++)
    tokens.push(
      (await context.keys.create(principal, { name: `k${i}`, scopes: ['process:start'] }, ctx)).token,
    );
  const createPerSecond = creates / ((performance.now() - start) / 1000);

  const cold = await coldVerify(store, tokens);

  // Cached: the real verifier of the app, warmed.
  const verifier = context.verification.verifier;
  for (const token of tokens) await verifier.verify({ key: token });
  const iterations = quick ? 200_000 : 1_000_000;
  start = performance.now();
  for (let i = 0; i < iterations; i++) await verifier.verify({ key: tokens[i % tokens.length] as string });
  const cachedPerSecond = iterations / ((performance.now() - start) / 1000);
  await app.close();
  return { store, database, orgId: admin.org.id, createPerSecond, cold, cachedPerSecond, tokens };
}

async function main() {
  pinSelf();
  process.stderr.write(
    `Keyward benchmark (${quick ? 'quick' : 'full'}), ${cpus().length} cores, ${process.version}, taskset: ${HAS_TASKSET}\n`,
  );

  process.stderr.write('in-process (SQLite)…\n');
  const sqlite = await inProcess('sqlite');
  record(
    'verify, cached key, in-process',
    `${Math.round(sqlite.cachedPerSecond).toLocaleString('en')}/s`,
    'core verifier + cache',
  );
  record('verify, cold key, SQLite (median)', `${sqlite.cold.toFixed(1)} µs`, 'lookup + HMAC, no cache');
  record(
    'key creation, SQLite',
    `${Math.round(sqlite.createPerSecond).toLocaleString('en')}/s`,
    'transaction with audit event',
  );
  process.stderr.write('in-process (PostgreSQL)…\n');
  const pg = await inProcess('postgres');
  record(
    'verify, cold key, PostgreSQL (median)',
    `${pg.cold.toFixed(1)} µs`,
    'one prepared query on loopback',
  );
  record('key creation, PostgreSQL', `${Math.round(pg.createPerSecond).toLocaleString('en')}/s`);
  await pg.store.close();
  await pg.database.drop();
  json.inProcess = {
    cachedPerSecond: sqlite.cachedPerSecond,
    coldSqliteMicros: sqlite.cold,
    coldPostgresMicros: pg.cold,
    createSqlitePerSecond: sqlite.createPerSecond,
    createPostgresPerSecond: pg.createPerSecond,
  };

  // HTTP: a server process on the SQLite database made above.
  const dataDir = mkdtempSync(join(tmpdir(), 'keyward-bench-'));
  const env = sqliteProcessEnv(dataDir, { KEYWARD_PORT: '0' });
  const boot = JSON.parse(
    await run(
      [
        'bootstrap',
        '--org',
        'Bench',
        '--email',
        'b@bench.test',
        '--password',
        'correct horse battery',
        '--json',
      ],
      env,
    ),
  );
  const admin: string = boot.apiKey;
  const keyward = await startPinned([BIN, 'serve'], env);
  const target = (await (
    await fetch(`${keyward.url}/v1/keys`, {
      method: 'POST',
      headers: { authorization: `Api-Key ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench', scopes: ['process:start'] }),
    })
  ).json()) as { key: string };
  const plain = await startPinned(['--import', 'tsx', join(ROOT, 'bench/plain-server.ts')], env);
  const body = JSON.stringify({ key: target.key, scopes: ['process:start'] });
  const verifyLoad = {
    method: 'POST' as const,
    headers: { authorization: `Api-Key ${admin}`, 'content-type': 'application/json' },
    body,
    seconds: ROUND_SECONDS,
  };
  const plainPost: Side = { server: plain, load: { ...verifyLoad, url: plain.url } };
  const verify: Side = { server: keyward, load: { ...verifyLoad, url: `${keyward.url}/v1/verify` } };
  process.stderr.write('HTTP: warming up…\n');
  await load({ ...verify.load, seconds: WARM_UP_SECONDS });
  await load({ ...plainPost.load, seconds: 2 });
  process.stderr.write(`HTTP: POST /v1/verify against plain node:http, ${ROUNDS} rounds each…\n`);
  const verifyVsPlain = await sideBySide({
    baseline: plainPost,
    contender: verify,
    rounds: ROUNDS,
    seconds: ROUND_SECONDS,
  });

  const middleware = await startPinned(['--import', 'tsx', join(ROOT, 'bench/middleware-server.ts')], {
    ...env,
    KEYWARD_URL: keyward.url,
    KEYWARD_API_KEY: admin,
  });
  const guarded: Side = {
    server: middleware,
    load: {
      url: `${middleware.url}/flows`,
      headers: { authorization: `Api-Key ${target.key}` },
      seconds: ROUND_SECONDS,
    },
  };
  const plainGet: Side = { server: plain, load: { url: plain.url, seconds: ROUND_SECONDS } };
  await load({ ...guarded.load, seconds: WARM_UP_SECONDS });
  process.stderr.write(`HTTP: SDK middleware against plain node:http (GET), ${ROUNDS} rounds each…\n`);
  const middlewareVsPlain = await sideBySide({
    baseline: plainGet,
    contender: guarded,
    rounds: ROUNDS,
    seconds: ROUND_SECONDS,
  });
  await middleware.stop();
  recordSideBySide('plain node:http (POST, 50 conns)', 'POST /v1/verify, cached key', verifyVsPlain);
  recordSideBySide('plain node:http (GET)', 'SDK middleware (node:http, cached verifier)', middlewareVsPlain);
  json.http = { verifyVsPlain, middlewareVsPlain };
  const rss10k = rssOf(keyward.child.pid ?? 0);
  await keyward.stop();

  // Scale: many keys in the store.
  process.stderr.write(`scale: inserting ${SCALE_KEYS.toLocaleString('en')} keys…\n`);
  const store = openStore({ driver: 'sqlite', path: join(dataDir, 'keyward.db') });
  const orgId = boot.org.id as string;
  const start = performance.now();
  await bulkInsertKeys(store, orgId, SCALE_KEYS);
  record(
    `bulk insert of ${SCALE_KEYS.toLocaleString('en')} keys`,
    `${((performance.now() - start) / 1000).toFixed(1)} s`,
  );
  const scaled = await startPinned([BIN, 'serve'], env);
  const rssAfterStart = rssOf(scaled.child.pid ?? 0);
  const scaledVerify: Side = { server: scaled, load: { ...verifyLoad, url: `${scaled.url}/v1/verify` } };
  await load({ ...scaledVerify.load, seconds: WARM_UP_SECONDS });
  process.stderr.write(
    `HTTP: POST /v1/verify with ${SCALE_KEYS.toLocaleString('en')} keys, ${ROUNDS} rounds each…\n`,
  );
  const scaledVsPlain = await sideBySide({
    baseline: plainPost,
    contender: scaledVerify,
    rounds: ROUNDS,
    seconds: ROUND_SECONDS,
  });
  recordSideBySide(
    'plain node:http (POST, 50 conns)',
    `POST /v1/verify with ${SCALE_KEYS.toLocaleString('en')} keys`,
    scaledVsPlain,
    false,
  );
  const rssScaled = rssOf(scaled.child.pid ?? 0);
  await scaled.stop();
  await plain.stop();
  const coldScaled = await coldVerify(store, [target.key]);
  record(
    `verify, cold key, SQLite, ${SCALE_KEYS.toLocaleString('en')} keys (median)`,
    `${coldScaled.toFixed(1)} µs`,
  );
  record('server RSS: small store, after load', `${(rss10k / 2 ** 20).toFixed(0)} MiB`);
  record(
    `server RSS: ${SCALE_KEYS.toLocaleString('en')} keys, after start / after load`,
    `${(rssAfterStart / 2 ** 20).toFixed(0)} / ${(rssScaled / 2 ** 20).toFixed(0)} MiB`,
  );
  json.scale = {
    keys: SCALE_KEYS,
    verifyVsPlain: scaledVsPlain,
    coldMicros: coldScaled,
    rssSmall: rss10k,
    rssScaledStart: rssAfterStart,
    rssScaled,
  };
  await store.close();
  await sqlite.store.close();
  await sqlite.database.drop();
  rmSync(dataDir, { recursive: true, force: true });

  // Instructions per request: the one HTTP figure a busy machine does not move (see the script).
  if (!quick && HAS_VALGRIND) {
    process.stderr.write('Instructions per request under callgrind (about 2 minutes)…\n');
    const counted = execFileSync('bash', [join(ROOT, 'bench/instructions-per-request.sh')], {
      encoding: 'utf8',
    });
    const figure = (label: string) => Number(new RegExp(`${label}\\s+(\\d+)`).exec(counted)?.[1]);
    const instructions = { plain: figure('plain node:http'), verify: figure('POST /v1/verify') };
    json.instructionsPerRequest = { ...instructions, ratio: instructions.plain / instructions.verify };
    record(
      'instructions per request, server main thread: plain / POST /v1/verify',
      `${instructions.plain.toLocaleString('en')} / ${instructions.verify.toLocaleString('en')}`,
      `${(instructions.plain / instructions.verify).toFixed(3)} × plain, counted by callgrind`,
    );
  }

  json.rows = rows;
  writeFileSync(join(ROOT, 'bench/results/latest.json'), `${JSON.stringify(json, null, 2)}\n`);
  const width = Math.max(...rows.map((r) => r.name.length));
  process.stdout.write(`\n${'measure'.padEnd(width)}  result\n${'-'.repeat(width)}  ------\n`);
  for (const r of rows)
    process.stdout.write(`${r.name.padEnd(width)}  ${r.value}${r.note ? `   [${r.note}]` : ''}\n`);
  process.exit(0);
}

await main();
