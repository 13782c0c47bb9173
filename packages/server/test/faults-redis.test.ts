/**
 * Fault injection with Redis: two real nodes on a PostgreSQL database behind the fault proxy
 * and a Redis of the test's own. Redis stalled (`CLIENT PAUSE`) briefly and for long, killed and
 * restarted together with PostgreSQL, and PostgreSQL blackholed while Redis carries on; after
 * each, every node is alive, answers within its timeouts, no revoked key verifies VALID and no
 * quota or rate limit is overspent. The figures logged here are the ones in
 * docs/deployment.md › "Failure modes".
 */
import {
  type ApiAnswer,
  callApi,
  type FaultCluster,
  type RedisServer,
  startFaultCluster,
  startLoad,
  startRedisServer,
  statusCounts,
  waitUntil,
  watchRevocation,
} from '@keyward/test-utils';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The Redis command timeout the nodes run with (the default). */
const COMMAND_TIMEOUT_MS = 1000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('redis and postgres faults, two nodes', () => {
  let redis: RedisServer;
  let cluster: FaultCluster;
  let control: Redis;
  const url = (node: number) => cluster.nodes[node]?.url ?? '';
  const verify = (node: number, key: string) =>
    callApi(url(node), cluster.admin, '/v1/verify', { body: { key } });
  const createKey = async (body: Record<string, unknown>) =>
    (await callApi(url(0), cluster.admin, '/v1/keys', { body: { scopes: [], ...body } })).body;
  const expectAlive = () => {
    for (const node of cluster.nodes) expect(node.child.exitCode).toBeNull();
  };
  /** The node's `keyward_limiter_fail_closed_total`, by reason. */
  const failedClosed = async (node: number) => {
    const text = await (await fetch(`${url(node)}/metrics`)).text();
    const counts: Record<string, number> = {};
    for (const match of text.matchAll(/^keyward_limiter_fail_closed_total\{reason="(\w+)"\} (\d+)$/gm))
      counts[match[1] as string] = Number(match[2]);
    return counts;
  };
  const codeOf = (answer: ApiAnswer) =>
    answer.body?.error?.code ?? answer.body?.code ?? String(answer.status);
  const codeCounts = (answers: readonly ApiAnswer[]) => {
    const counts: Record<string, number> = {};
    for (const answer of answers) counts[codeOf(answer)] = (counts[codeOf(answer)] ?? 0) + 1;
    return counts;
  };

  beforeAll(async () => {
    redis = await startRedisServer();
    control = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    control.on('error', () => {}); // the test kills this Redis on purpose
    cluster = await startFaultCluster({ env: { KEYWARD_REDIS_URL: redis.url } });
  }, 60_000);
  afterAll(async () => {
    control?.disconnect();
    await cluster?.close();
    await redis?.kill();
  });

  it('waits out a Redis stalled for less than the command timeout, refusing nothing', async () => {
    const limited = await createKey({ name: 'roomy', rateLimit: { limit: 1_000_000, windowSeconds: 60 } });
    expect((await verify(1, limited.key)).body.code).toBe('VALID');
    const load = startLoad(4, (worker) => verify(worker % 2, limited.key));
    await sleep(300);
    await control.call('CLIENT', 'PAUSE', String(COMMAND_TIMEOUT_MS / 2), 'ALL');
    await sleep(COMMAND_TIMEOUT_MS);
    const answers = await load.stop();
    const slowest = Math.max(...answers.map((a) => a.ms));
    console.log(
      `Redis paused ${COMMAND_TIMEOUT_MS / 2} ms under load: ${answers.length} answers ${JSON.stringify(codeCounts(answers))}, slowest ${slowest.toFixed(0)} ms`,
    );
    expect(codeCounts(answers)).toEqual({ VALID: answers.length });
    expect(slowest).toBeGreaterThan(COMMAND_TIMEOUT_MS / 4);
    expect(await failedClosed(0)).toEqual({});
    expect(await failedClosed(1)).toEqual({});
  });

  it('fails closed while Redis is stalled for 3 s, counts every refusal, and recovers', async () => {
    const limited = await createKey({ name: 'limited', rateLimit: { limit: 1_000_000, windowSeconds: 60 } });
    const plain = await createKey({ name: 'plain' });
    expect((await verify(1, limited.key)).body.code).toBe('VALID');
    // Enough callers of the limited key per node for its circuit to open within the stall.
    const load = startLoad(12, (worker) => verify(worker % 2, worker < 10 ? limited.key : plain.key));
    await sleep(200);
    await control.call('CLIENT', 'PAUSE', '3000', 'ALL');
    const pausedAt = performance.now();
    await sleep(3000);
    const polls: ApiAnswer[] = [];
    const recovered = await waitUntil(
      async () => {
        const answer = await verify(0, limited.key);
        polls.push(answer);
        return answer.body.code === 'VALID';
      },
      { intervalMs: 20 },
    );
    const answers = [...(await load.stop()), ...polls];
    const limitedAnswers = answers.filter((a) => a.body?.key?.name !== 'plain' && codeOf(a) !== 'VALID');
    const refusals = { ...(await failedClosed(0)) };
    for (const [reason, count] of Object.entries(await failedClosed(1)))
      refusals[reason] = (refusals[reason] ?? 0) + count;
    console.log(
      `Redis paused 3 s under load: ${answers.length} answers ${JSON.stringify(codeCounts(answers))}, slowest ${Math.max(...answers.map((a) => a.ms)).toFixed(0)} ms; refusals by reason ${JSON.stringify(refusals)}; limited keys VALID again ${(performance.now() - pausedAt - 3000).toFixed(0)} ms after the pause (${recovered.toFixed(0)} ms of polling)`,
    );
    expectAlive();
    // Refused as an outage, never blamed on the key, never a 500; keys without a limit unaffected.
    expect(limitedAnswers.length).toBeGreaterThan(0);
    for (const answer of limitedAnswers) {
      expect(answer.status).toBe(503);
      expect(codeOf(answer)).toBe('LIMITER_UNAVAILABLE');
    }
    expect(answers.filter((a) => a.body?.key?.name === 'plain').every((a) => a.body.code === 'VALID')).toBe(
      true,
    );
    expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(COMMAND_TIMEOUT_MS + 1500);
    // Every refusal counted: stalled commands first, then the open circuit's quick ones.
    expect(Object.values(refusals).reduce((a, b) => a + b, 0)).toBe(limitedAnswers.length);
    expect(refusals.timeout).toBeGreaterThan(0);
    expect(refusals.circuit_open).toBeGreaterThan(0);
    expect(recovered).toBeLessThan(3000);
  }, 30_000);

  it('keeps serving cached keys while PostgreSQL is blackholed, since Redis still carries invalidations', async () => {
    const cached = await createKey({ name: 'cached' });
    const cold = await createKey({ name: 'cold' });
    // Once the channels have settled from the stalls before (a recovered channel drops every
    // cache), warm both nodes' caches.
    await sleep(1000);
    for (const node of [0, 1]) expect((await verify(node, cached.key)).body.code).toBe('VALID');
    await cluster.postgres.set('blackhole');
    let answers: ApiAnswer[];
    let uncached: ApiAnswer;
    try {
      const load = startLoad(2, (worker) => verify(worker, cached.key));
      uncached = await verify(1, cold.key);
      await sleep(2000);
      answers = await load.stop();
    } finally {
      await cluster.postgres.set('pass');
    }
    console.log(
      `PostgreSQL blackholed, Redis up: ${answers.length} cached verifies ${JSON.stringify(codeCounts(answers))}, slowest ${Math.max(...answers.map((a) => a.ms)).toFixed(0)} ms; uncached ${codeOf(uncached)} in ${uncached.ms.toFixed(0)} ms`,
    );
    expect(codeCounts(answers)).toEqual({ VALID: answers.length });
    expect(uncached.status).toBe(503);
    expect(codeOf(uncached)).toBe('STORE_UNAVAILABLE');
  }, 30_000);

  it('survives Redis killed and PostgreSQL restarted at once, under load, and recovers', async () => {
    const limited = await createKey({ name: 'limited', rateLimit: { limit: 25, windowSeconds: 3600 } });
    const quota = await createKey({ name: 'quota', quota: { remaining: 40 } });
    const doomed = await createKey({ name: 'doomed' });
    for (const node of [0, 1]) expect((await verify(node, doomed.key)).body.code).toBe('VALID');
    const revocation = watchRevocation({ revokingNode: 0 });
    const load = startLoad(6, (worker) => {
      const node = worker % 2;
      const key = [limited.key, quota.key, doomed.key][worker % 3] as string;
      return key === doomed.key ? revocation.observe(node, () => verify(node, key)) : verify(node, key);
    });
    await sleep(300);
    await redis.kill();
    await cluster.postgres.set('reset');
    await sleep(300);
    await cluster.postgres.set('refuse');
    await sleep(1500);
    await cluster.postgres.set('pass');
    // Redis is still away: the revocation travels to no one, yet holds on both nodes.
    await waitUntil(
      async () =>
        (await callApi(url(0), cluster.admin, `/v1/keys/${doomed.id}`, { method: 'DELETE' })).status === 200,
      { what: 'revocation' },
    );
    revocation.revoked();
    await sleep(500);
    await redis.start();
    const restartedAt = performance.now();
    const limitedBack = await waitUntil(async () => (await verify(1, limited.key)).status === 200, {
      intervalMs: 50,
    });
    const answers = await load.stop();
    console.log(
      `Redis killed and PostgreSQL restarted under load: ${answers.length} answers ${JSON.stringify(statusCounts(answers))} ${JSON.stringify(codeCounts(answers))}, slowest ${Math.max(...answers.map((a) => a.ms)).toFixed(0)} ms, slowest 503 ${Math.max(...answers.filter((a) => a.status === 503).map((a) => a.ms)).toFixed(0)} ms; rate limits back ${limitedBack.toFixed(0)} ms after Redis (${(performance.now() - restartedAt).toFixed(0)} ms)`,
    );
    expectAlive();
    expect(Object.keys(statusCounts(answers)).every((status) => ['200', '503'].includes(status))).toBe(true);
    expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(5000);
    expect(revocation.stale).toEqual([]);
    const valid = (name: string) =>
      answers.filter((a) => a.body?.key?.name === name && a.body.code === 'VALID').length;
    expect(valid('quota')).toBeLessThanOrEqual(40);
    // Redis lost its windows with its restart: at most one window's limit before, one after.
    expect(valid('limited')).toBeLessThanOrEqual(50);
    for (const node of [0, 1]) expect((await verify(node, doomed.key)).body.code).toBe('NOT_FOUND');
  }, 60_000);
});
