/**
 * A PostgreSQL store that is refused, terminated, slow or silent fails with one error type,
 * on time, and recovers by itself: against the real server, through the fault proxy.
 */
import { createTestDatabase, type FaultProxy, startFaultProxy, type TestDatabase } from '@keyward/test-utils';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../src/index.ts';
import { isStoreUnavailable, StoreUnavailableError } from '../src/storage-error.ts';

const TIMEOUTS = { connectMs: 500, statementMs: 300, idleInTransactionMs: 1000, keepAliveMs: 1000 };

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('postgres: an unavailable store', () => {
  let database: TestDatabase;
  let proxy: FaultProxy;
  let store: Store;
  const connectionErrors: unknown[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    if (database.storage.driver !== 'postgres') throw new Error('unreachable');
    const url = new URL(database.storage.url);
    proxy = await startFaultProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.port = String(proxy.port);
    store = openStore(
      { driver: 'postgres', url: url.toString(), poolSize: 3, timeouts: TIMEOUTS },
      { onConnectionError: (error) => connectionErrors.push(error) },
    );
    await store.migrate();
  });
  afterAll(async () => {
    await store?.close();
    await proxy?.close();
    await database?.drop();
  });

  it('reports a refused connection as unreachable', async () => {
    await proxy.set('refuse');
    const error = await failure(() => store.loadVerifiableKey('key_nope', Date.now()));
    await proxy.set('pass');
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as StoreUnavailableError).reason).toBe('unreachable');
    expect(await store.ping()).toBe(true);
  });

  it('cancels a statement past the statement timeout, and keeps the connection', async () => {
    const error = await failure(() => sql`SELECT pg_sleep(1)`.execute(store.db));
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as StoreUnavailableError).reason).toBe('timeout');
    expect(await store.ping()).toBe(true);
  });

  it('gives up on a silent database within the statement timeout and its margin', async () => {
    expect(await store.ping()).toBe(true);
    await proxy.set('blackhole');
    const started = performance.now();
    const errors = await Promise.all([
      failure(() => store.db.selectFrom('environments').selectAll().execute()),
      failure(() => store.loadVerifiableKey('key_nope', Date.now())),
    ]);
    const waited = performance.now() - started;
    expect(await store.ping(200)).toBe(false);
    await proxy.set('pass');
    for (const error of errors) expect(isStoreUnavailable(error), String(error)).toBe(true);
    expect(waited).toBeLessThan(TIMEOUTS.statementMs + 500 + TIMEOUTS.connectMs + 300);
    // The connections that timed out were dropped, not reused: the next statements answer.
    expect(await store.ping()).toBe(true);
    expect(await store.db.selectFrom('environments').selectAll().execute()).toEqual(expect.any(Array));
  });

  it('survives its backends being terminated, idle or inside a transaction', async () => {
    const admin = new pg.Client({
      connectionString: database.storage.driver === 'postgres' ? database.storage.url : '',
    });
    await admin.connect();
    const terminateAll = () =>
      admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
      );
    try {
      expect(await store.ping()).toBe(true);
      const inTransaction = failure(() =>
        store.db.transaction().execute(async (trx) => {
          await sql`SELECT 1`.execute(trx);
          await terminateAll();
          await new Promise((resolve) => setTimeout(resolve, 100));
          await sql`SELECT 1`.execute(trx);
        }),
      );
      expect(isStoreUnavailable(await inTransaction)).toBe(true);
      await terminateAll();
      await new Promise((resolve) => setTimeout(resolve, 100));
      // Idle connections that died are told of, and replaced on the next use.
      expect(connectionErrors.length).toBeGreaterThan(0);
      let answered = false;
      for (let i = 0; i < 5 && !answered; i++) answered = await store.ping();
      expect(answered).toBe(true);
    } finally {
      await admin.end();
    }
  });
});
