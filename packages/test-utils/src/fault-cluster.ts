/**
 * @module Fault cluster
 *
 * Several real Keyward nodes (child processes) on a PostgreSQL database of their own, reached
 * through a {@link FaultProxy}, so a test can cut, stall or slow the database under them, and
 * terminate its backends, without touching anything another test uses. Redis, when given, is
 * the test's own too (see redis-server.ts).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { ApiAnswer } from './api-call.ts';
import { type FaultProxy, startFaultProxy } from './fault-proxy.ts';
import { bootstrapWithCli, type KeywardProcess, startKeyward, TEST_PEPPER } from './processes.ts';
import { createTestDatabase, type TestDatabase } from './test-databases.ts';

/**
 * Short waits on PostgreSQL, so a fault test sees timeouts in seconds: a statement is given up
 * after 1.5 s (statement timeout and its read margin), a connection after 1 s.
 */
export const FAULT_TEST_TIMEOUTS = {
  KEYWARD_DB_CONNECT_TIMEOUT_MS: '1000',
  KEYWARD_DB_STATEMENT_TIMEOUT_MS: '1000',
  KEYWARD_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '2000',
  KEYWARD_DB_KEEPALIVE_MS: '1000',
  KEYWARD_SHUTDOWN_TIMEOUT_MS: '6000',
} as const;

/** Nodes on a database behind a fault proxy. */
export interface FaultCluster {
  database: TestDatabase;
  /** Between every node and PostgreSQL. */
  postgres: FaultProxy;
  /** The nodes' environment (the database through the proxy). */
  env: NodeJS.ProcessEnv;
  /** The bootstrap admin's key (every Keyward scope). */
  admin: string;
  nodes: KeywardProcess[];
  /** Stops node `index` (SIGTERM) and starts it again; resolves once it listens. */
  restart(index: number): Promise<KeywardProcess>;
  /** Terminates every backend of the cluster's database, as a failover or restart would. */
  terminateBackends(): Promise<number>;
  close(): Promise<void>;
}

/** Starts `nodes` nodes (default 2); `env` adds variables (e.g. `KEYWARD_REDIS_URL`). */
export async function startFaultCluster(
  options: { nodes?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<FaultCluster> {
  const database = await createTestDatabase('postgres');
  if (database.storage.driver !== 'postgres') throw new Error('unreachable');
  const direct = database.storage.url;
  const target = new URL(direct);
  const postgres = await startFaultProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const proxied = new URL(direct);
  proxied.port = String(postgres.port);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KEYWARD_DATABASE_URL: proxied.toString(),
    KEYWARD_DATA_DIR: database.dataDir,
    KEYWARD_PEPPER: TEST_PEPPER,
    KEYWARD_REDIS_PREFIX: `kwtest:${randomBytes(4).toString('hex')}:`,
    KEYWARD_LOG_LEVEL: 'error',
    ...FAULT_TEST_TIMEOUTS,
    ...options.env,
  };
  const { apiKey: admin } = await bootstrapWithCli({ ...env, KEYWARD_DATABASE_URL: direct });
  const nodes = await Promise.all(Array.from({ length: options.nodes ?? 2 }, () => startKeyward(env)));
  return {
    database,
    postgres,
    env,
    admin,
    nodes,
    async restart(index) {
      await nodes[index]?.stop();
      const node = await startKeyward(env);
      nodes[index] = node;
      return node;
    },
    async terminateBackends() {
      const client = new pg.Client({ connectionString: direct });
      await client.connect();
      try {
        const result = await client.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
        );
        return result.rowCount ?? 0;
      } finally {
        await client.end();
      }
    },
    async close() {
      await Promise.all(nodes.map((node) => node.stop('SIGKILL')));
      await postgres.close();
      await database.drop();
    },
  };
}

/**
 * Polls `check` every `intervalMs` until it returns true; resolves with the time that took, in
 * ms, or rejects after `timeoutMs`.
 */
export async function waitUntil(
  check: () => Promise<boolean> | boolean,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<number> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? 10_000;
  while (!(await check())) {
    if (performance.now() - started > timeoutMs)
      throw new Error(`${options.what ?? 'condition'} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
  return performance.now() - started;
}

/** Load kept up by {@link startLoad}. */
export interface Load {
  /** Every answer so far, in the order they came. */
  readonly answers: ApiAnswer[];
  /** Stops the workers once their calls in flight are answered; resolves with every answer. */
  stop(): Promise<ApiAnswer[]>;
}

/** Keeps `workers` loops calling `call` (with the worker's number and its call count) until stopped. */
export function startLoad(workers: number, call: (worker: number, i: number) => Promise<ApiAnswer>): Load {
  const answers: ApiAnswer[] = [];
  let running = true;
  const loops = Array.from({ length: workers }, async (_, worker) => {
    for (let i = 0; running; i++) answers.push(await call(worker, i));
  });
  return {
    answers,
    async stop() {
      running = false;
      await Promise.all(loops);
      return answers;
    },
  };
}

/** How many answers had each status, for a log line. */
export function statusCounts(answers: readonly ApiAnswer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const answer of answers) counts[answer.status] = (counts[answer.status] ?? 0) + 1;
  return counts;
}

/** A verify of a revoked key that answered VALID when the revocation should have held. */
export interface StaleAnswer {
  node: number;
  /** How long after the revocation's acknowledgement the verify was sent, in ms. */
  sentAfterMs: number;
}

/**
 * Watches the verifies of one key that a test revokes under load. A verify sent after the
 * revocation was acknowledged must not answer VALID: at once on the node that revoked it, and
 * on any other node once `propagationMs` have passed (the time the invalidation channel is
 * allowed, one second by the product's promise). A verify sent before the acknowledgement may
 * answer either way.
 */
export function watchRevocation(options: { revokingNode: number; propagationMs?: number }) {
  let revokedAt: number | null = null;
  const stale: StaleAnswer[] = [];
  return {
    /** The revocation was acknowledged now. */
    revoked() {
      revokedAt = performance.now();
    },
    /** Runs `verify` against `node` and judges its answer. */
    async observe(node: number, verify: () => Promise<ApiAnswer>): Promise<ApiAnswer> {
      const sentAt = performance.now();
      const answer = await verify();
      if (revokedAt !== null && answer.body?.code === 'VALID') {
        const sentAfterMs = sentAt - revokedAt;
        const allowed = node === options.revokingNode ? 0 : (options.propagationMs ?? 1000);
        if (sentAfterMs > allowed) stale.push({ node, sentAfterMs });
      }
      return answer;
    },
    stale,
  };
}
