/** @module @keyward/test-utils — the integration test harness (private). */

export { type ApiAnswer, callApi } from './api-call.ts';
export {
  FAULT_TEST_TIMEOUTS,
  type FaultCluster,
  type Load,
  type StaleAnswer,
  startFaultCluster,
  startLoad,
  statusCounts,
  waitUntil,
  watchRevocation,
} from './fault-cluster.ts';
export { type FaultMode, type FaultProxy, startFaultProxy } from './fault-proxy.ts';
export {
  bootstrapWithCli,
  KEYWARD_BIN,
  type KeywardProcess,
  rssOf,
  runKeyward,
  sqliteProcessEnv,
  startKeyward,
  TEST_PEPPER,
  waitForListening,
} from './processes.ts';
export { freePort, type RedisServer, startRedisServer } from './redis-server.ts';
export {
  cpuMicrosOf,
  HAS_TASKSET,
  HAS_VALGRIND,
  isGeneratorBound,
  type LoadResult,
  load,
  measuredRun,
  median,
  pinSelf,
  type Round,
  type Side,
  type SideBySideResult,
  type Spawned,
  sideBySide,
  startPinned,
} from './side-by-side.ts';
export {
  createTestDatabase,
  TEST_PG_URL,
  type TestDatabase,
  type TestDialect,
  testDialects,
} from './test-databases.ts';
export {
  createTestWorld,
  type TestRequest,
  type TestResponse,
  type TestSession,
  type TestWorld,
  type TestWorldOptions,
} from './test-world.ts';
