/**
 * @module Metrics
 *
 * Prometheus metrics from prom-client, in a registry of this app's own (so several apps in one
 * process, as in tests, do not collide): HTTP requests and latencies by route pattern (never
 * the raw URL, which could carry a query-string key), verifications by outcome, the key
 * cache, the database pool and the process. Per request the cost is a few number increments
 * (hot-metrics.ts); prom-client formats them when scraped.
 */
import type { VerificationSink } from '@keyward/core';
import type { Store } from '@keyward/storage';
import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { KeyCacheStats } from '../verification/cached-key-lookup.ts';
import { createHotCounters, createHotHistogram, type HotCounter } from './hot-metrics.ts';

/** Counts one answered request with its status and duration. */
export type RequestRecorder = (status: number, seconds: number) => void;

export interface AppMetrics {
  registry: Registry;
  /** Counts verification outcomes; chain it in front of the usage sink. */
  verifications: VerificationSink;
  /** Counts answered requests of one route (the admin API's hook uses it; so does the verify handler). */
  recorderFor(route: string, method: string): RequestRecorder;
  /** Counts a call the rate limiter refused because Redis could not count it. */
  limiterFailedClosed(reason: string): void;
  /** Adds the request hooks and `GET /metrics`. */
  install(app: FastifyInstance): void;
}

export function createMetrics(deps: {
  store: Store;
  cacheStats: () => KeyCacheStats;
  /** Verifications counted but not yet written to the database. */
  unwrittenUsage: () => number;
}): AppMetrics {
  const registry = new Registry();
  // The standard process_* and nodejs_* names, as stock dashboards expect them; Keyward's own
  // series below are under keyward_.
  collectDefaultMetrics({ register: registry });
  // Counted on every request, so in hot series folded in at scrape time (hot-metrics.ts).
  const requestCounts = createHotCounters<'route' | 'method' | 'status'>();
  new Counter({
    name: 'keyward_http_requests_total',
    help: 'HTTP requests by route, method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
    collect() {
      requestCounts.collect(this);
    },
  });
  const latency = createHotHistogram<'route' | 'method'>({
    name: 'keyward_http_request_duration_seconds',
    help: 'HTTP request latency by route.',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registry,
  });
  const outcomeCounts = createHotCounters<'code'>();
  new Counter({
    name: 'keyward_verifications_total',
    help: 'Verifications of known keys by outcome code.',
    labelNames: ['code'] as const,
    registers: [registry],
    collect() {
      outcomeCounts.collect(this);
    },
  });
  new Gauge({
    name: 'keyward_key_cache_entries',
    help: 'Keys held in the verification cache.',
    registers: [registry],
    collect() {
      this.set(deps.cacheStats().size);
    },
  });
  new Counter({
    name: 'keyward_key_cache_lookups_total',
    help: 'Verification cache lookups since start, by result.',
    labelNames: ['result'] as const,
    registers: [registry],
    collect() {
      // The cache counts for itself; the counter shows its totals as they are when scraped.
      const stats = deps.cacheStats();
      this.reset();
      this.inc({ result: 'hit' }, stats.hits);
      this.inc({ result: 'miss' }, stats.misses);
    },
  });
  new Gauge({
    name: 'keyward_db_pool_connections',
    help: 'Database pool connections by state (PostgreSQL).',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const pool = deps.store.poolStats();
      if (!pool) return;
      this.set({ state: 'total' }, pool.total);
      this.set({ state: 'idle' }, pool.idle);
      this.set({ state: 'waiting' }, pool.waiting);
    },
  });

  new Gauge({
    name: 'keyward_usage_unwritten',
    help: 'Verifications counted in memory and not yet written (lost if the process is killed hard).',
    registers: [registry],
    collect() {
      this.set(deps.unwrittenUsage());
    },
  });
  const failedClosed = new Counter({
    name: 'keyward_limiter_fail_closed_total',
    help: 'Calls refused (LIMITER_UNAVAILABLE) because Redis could not count them, by reason.',
    labelNames: ['reason'] as const,
    registers: [registry],
  });

  // Each route's series are bound once; the label sets are few (routes, methods, statuses).
  const recorders = new Map<string, RequestRecorder>();
  const recorderFor = (route: string, method: string): RequestRecorder => {
    const id = `${method} ${route}`;
    let recorder = recorders.get(id);
    if (!recorder) {
      const timing = latency.series({ route, method });
      const byStatus = new Map<number, HotCounter>();
      recorder = (status, seconds) => {
        let counter = byStatus.get(status);
        if (!counter) {
          counter = requestCounts.series({ route, method, status });
          byStatus.set(status, counter);
        }
        counter.inc();
        timing.observe(seconds);
      };
      recorders.set(id, recorder);
    }
    return recorder;
  };
  const outcomeCounters = new Map<string, HotCounter>();
  const countOutcome = (code: string) => {
    let counter = outcomeCounters.get(code);
    if (!counter) {
      counter = outcomeCounts.series({ code });
      outcomeCounters.set(code, counter);
    }
    counter.inc();
  };

  return {
    registry,
    verifications: { record: (event) => countOutcome(event.code) },
    recorderFor,
    limiterFailedClosed: (reason) => failedClosed.inc({ reason }),
    install(app) {
      app.addHook('onResponse', async (request, reply) => {
        const route = request.routeOptions.url ?? 'unmatched';
        recorderFor(route, request.method)(reply.statusCode, reply.elapsedTime / 1000);
      });
      app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
        reply.header('content-type', registry.contentType);
        return registry.metrics();
      });
    },
  };
}
