/**
 * @module Hot-path metrics
 *
 * Counters and a histogram cheap enough to touch on every verification. prom-client builds and
 * hashes a label string on every `inc` and `observe` (about a microsecond each here, several
 * per request); these series are bound to their labels once, count with plain number
 * increments, and are handed to prom-client's registry only when `/metrics` is scraped: the
 * counters by folding what was counted since the last scrape into a prom-client `Counter`, the
 * histogram as a metric object that the registry formats like its own.
 */
import type { Counter, Registry } from 'prom-client';

/** A bound counter series: `inc()` costs one addition. */
export interface HotCounter {
  inc(): void;
}

/**
 * Series of a prom-client counter counted off its books: call {@link HotCounters.series} once
 * per label set, and pass `collect` as the counter's `collect` option so each scrape folds the
 * counts in.
 */
export interface HotCounters<TLabel extends string> {
  series(labels: Record<TLabel, string | number>): HotCounter;
  /** Folds the counts since the last call into `counter`. */
  collect(counter: Counter<TLabel>): void;
}

export function createHotCounters<TLabel extends string>(): HotCounters<TLabel> {
  const all = new Map<string, { labels: Record<TLabel, string | number>; pending: number }>();
  return {
    series(labels) {
      const id = JSON.stringify(labels);
      let entry = all.get(id);
      if (!entry) {
        entry = { labels, pending: 0 };
        all.set(id, entry);
      }
      const bound = entry;
      return {
        inc() {
          bound.pending++;
        },
      };
    },
    collect(counter) {
      for (const entry of all.values()) {
        if (entry.pending === 0) continue;
        counter.inc(entry.labels, entry.pending);
        entry.pending = 0;
      }
    },
  };
}

/** A bound histogram series. */
export interface HotHistogramSeries {
  observe(value: number): void;
}

/** A Prometheus histogram whose series are bound once; register it with `registry`. */
export interface HotHistogram<TLabel extends string> {
  series(labels: Record<TLabel, string>): HotHistogramSeries;
}

interface HistogramSeries<TLabel extends string> {
  labels: Record<TLabel, string>;
  /** Observations per bucket (not cumulative); the last slot is +Inf. */
  counts: Float64Array;
  sum: number;
  count: number;
}

/**
 * Builds a histogram and registers it in `registry`, where it is exposed exactly as a
 * prom-client `Histogram` of the same name, labels and buckets would be.
 */
export function createHotHistogram<TLabel extends string>(options: {
  name: string;
  help: string;
  buckets: readonly number[];
  registry: Registry;
}): HotHistogram<TLabel> {
  const bounds = [...options.buckets].sort((a, b) => a - b);
  const all = new Map<string, HistogramSeries<TLabel>>();
  const metric = {
    name: options.name,
    help: options.help,
    type: 'histogram' as const,
    aggregator: 'sum' as const,
    async get() {
      const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
      for (const series of all.values()) {
        // As prom-client does: a series shows once observed, and a reset removes it.
        if (series.count === 0) continue;
        let cumulative = 0;
        for (let i = 0; i <= bounds.length; i++) {
          cumulative += series.counts[i] as number;
          values.push({
            labels: { le: i < bounds.length ? (bounds[i] as number) : '+Inf', ...series.labels },
            value: cumulative,
            metricName: `${options.name}_bucket`,
          });
        }
        values.push({ labels: series.labels, value: series.sum, metricName: `${options.name}_sum` });
        values.push({ labels: series.labels, value: series.count, metricName: `${options.name}_count` });
      }
      return {
        name: options.name,
        help: options.help,
        type: metric.type,
        values,
        aggregator: metric.aggregator,
      };
    },
    reset() {
      for (const series of all.values()) {
        series.counts.fill(0);
        series.sum = 0;
        series.count = 0;
      }
    },
  };
  // The registry's metric type is a class; this object has every member it reads.
  options.registry.registerMetric(metric as unknown as Parameters<Registry['registerMetric']>[0]);

  return {
    series(labels) {
      const id = JSON.stringify(labels);
      let entry = all.get(id);
      if (!entry) {
        entry = { labels, counts: new Float64Array(bounds.length + 1), sum: 0, count: 0 };
        all.set(id, entry);
      }
      const bound = entry;
      return {
        observe(value) {
          let i = 0;
          while (i < bounds.length && value > (bounds[i] as number)) i++;
          bound.counts[i] = (bound.counts[i] as number) + 1;
          bound.sum += value;
          bound.count++;
        },
      };
    },
  };
}
