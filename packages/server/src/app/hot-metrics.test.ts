import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createHotCounters, createHotHistogram } from './hot-metrics.ts';

/**
 * The hot series must be indistinguishable, at scrape time, from prom-client's own metrics fed
 * the same observations: dashboards and alerts read them by name, label and bucket.
 */
describe('hot-path metrics', () => {
  const buckets = [0.001, 0.01, 0.1, 1];
  const observations: [string, number][] = [
    ['/v1/verify', 0.0004],
    ['/v1/verify', 0.001],
    ['/v1/verify', 0.02],
    ['/v1/keys', 0.5],
    ['/v1/verify', 3],
    ['/v1/keys', 0.0011],
  ];

  it('exposes a histogram exactly as a prom-client Histogram with the same observations', async () => {
    const theirs = new Registry();
    const reference = new Histogram({
      name: 'h_seconds',
      help: 'Latency.',
      labelNames: ['route', 'method'],
      buckets,
      registers: [theirs],
    });
    const ours = new Registry();
    const hot = createHotHistogram<'route' | 'method'>({
      name: 'h_seconds',
      help: 'Latency.',
      buckets,
      registry: ours,
    });
    for (const [route, seconds] of observations) {
      reference.observe({ route, method: 'POST' }, seconds);
      hot.series({ route, method: 'POST' }).observe(seconds);
    }
    const text = await ours.metrics();
    expect(text).toBe(await theirs.metrics());
    expect(text).toContain('h_seconds_bucket{le="0.001",route="/v1/verify",method="POST"} 2');
    expect(text).toContain('h_seconds_count{route="/v1/verify",method="POST"} 4');

    reference.reset();
    ours.resetMetrics();
    expect((await ours.metrics()).match(/_count\{[^}]*\} (\d+)/g)).toEqual(
      (await theirs.metrics()).match(/_count\{[^}]*\} (\d+)/g),
    );
  });

  it('folds counted increments into a prom-client Counter at each scrape', async () => {
    const registry = new Registry();
    const counts = createHotCounters<'code'>();
    new Counter({
      name: 'c_total',
      help: 'Outcomes.',
      labelNames: ['code'],
      registers: [registry],
      collect() {
        counts.collect(this);
      },
    });
    const valid = counts.series({ code: 'VALID' });
    const again = counts.series({ code: 'VALID' });
    for (let i = 0; i < 3; i++) valid.inc();
    again.inc();
    counts.series({ code: 'NOT_FOUND' }).inc();
    let text = await registry.metrics();
    expect(text).toContain('c_total{code="VALID"} 4');
    expect(text).toContain('c_total{code="NOT_FOUND"} 1');
    // A second scrape adds only what was counted since the first.
    valid.inc();
    text = await registry.metrics();
    expect(text).toContain('c_total{code="VALID"} 5');
    expect(text).toContain('c_total{code="NOT_FOUND"} 1');
  });
});
