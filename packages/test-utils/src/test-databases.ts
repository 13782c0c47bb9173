/**
 * @module Test databases
 *
 * Every test world gets a database of its own so runs and files cannot collide: a fresh
 * SQLite file in a temporary directory, or a fresh PostgreSQL database created on the local
 * server (`KEYWARD_TEST_PG_URL`, default `postgres://postgres@127.0.0.1:5432/test`) and dropped
 * afterwards.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StorageConfig } from '@keyward/storage';
import pg from 'pg';

/** The dialects integration suites run against. */
export type TestDialect = 'sqlite' | 'postgres';

/** Dialects to test, from `KEYWARD_TEST_DIALECTS` (default: both). */
export function testDialects(): TestDialect[] {
  const raw = process.env.KEYWARD_TEST_DIALECTS ?? 'sqlite,postgres';
  return raw
    .split(',')
    .map((d) => d.trim())
    .filter((d): d is TestDialect => d === 'sqlite' || d === 'postgres');
}

/** The PostgreSQL server used for tests: an admin connection URL to an existing database. */
export const TEST_PG_URL = process.env.KEYWARD_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A database made for one test world, and how to throw it away. */
export interface TestDatabase {
  storage: StorageConfig;
  /** A data directory for the pepper file and the like. */
  dataDir: string;
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Creates a fresh database of the dialect. */
export async function createTestDatabase(dialect: TestDialect): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyward-test-'));
  const removeDir = () => rmSync(dataDir, { recursive: true, force: true });
  if (dialect === 'sqlite') {
    return {
      storage: { driver: 'sqlite', path: join(dataDir, 'keyward.db') },
      dataDir,
      drop: async () => removeDir(),
    };
  }
  const name = `kw_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    storage: { driver: 'postgres', url: withDatabase(TEST_PG_URL, name), poolSize: 5 },
    dataDir,
    async drop() {
      const client = new pg.Client({ connectionString: TEST_PG_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
        removeDir();
      }
    },
  };
}
