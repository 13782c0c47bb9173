/** @module @keyward/test-utils — the integration test harness (private). */
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
