/** @module @keyward/test-utils — the integration test harness (private). */

export { bootstrapWithCli, KEYWARD_BIN, type KeywardProcess, runKeyward, startKeyward } from './processes.ts';
export {
  createTestDatabase,
  TEST_PG_URL,
  type TestDatabase,
  type TestDialect,
  testDialects,
} from './test-databases.ts';
export {
  createTestWorld,
  TEST_PEPPER,
  type TestResponse,
  type TestWorld,
  type TestWorldOptions,
} from './test-world.ts';
