/**
 * @module Outage log
 *
 * While a dependency is away, every request may fail the same way: thousands of identical
 * lines a second would bury the log and slow the node. Each kind of failure is logged at once
 * when it first occurs, then at most once per interval with the number of times it occurred
 * since the last line, so every occurrence is told and the log stays readable.
 */
import type { Logger } from 'pino';

/** Tells of one occurrence of a failure of kind `kind`; `fields` are logged with its first. */
export type OutageReporter = (kind: string, fields?: Record<string, unknown>) => void;

/**
 * A reporter that logs at `warn` under `message`, at most once per `intervalMs` per kind.
 *
 * @example
 * const report = createOutageLog(logger, 'store unavailable');
 * report('timeout', { route: '/v1/keys' });
 */
export function createOutageLog(logger: Logger, message: string, intervalMs = 1000): OutageReporter {
  const kinds = new Map<string, { count: number; timer: NodeJS.Timeout | null }>();
  const flush = (kind: string) => {
    const entry = kinds.get(kind);
    if (!entry) return;
    if (entry.count === 0) {
      kinds.delete(kind);
      return;
    }
    logger.warn({ kind, count: entry.count, intervalMs }, `${message} (repeated)`);
    entry.count = 0;
    entry.timer = setTimeout(() => flush(kind), intervalMs);
    entry.timer.unref();
  };
  return (kind, fields) => {
    const entry = kinds.get(kind);
    if (entry) {
      entry.count++;
      return;
    }
    logger.warn({ kind, ...fields }, message);
    const timer = setTimeout(() => flush(kind), intervalMs);
    timer.unref();
    kinds.set(kind, { count: 0, timer });
  };
}
