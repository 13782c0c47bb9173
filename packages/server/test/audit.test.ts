import { get } from 'node:http';
import { createTestWorld, type TestWorld, testDialects } from '@keyward/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe.each(testDialects())('%s: audit trail, export and usage', (dialect) => {
  let world: TestWorld;
  let admin: string;
  beforeAll(async () => {
    world = await createTestWorld({ dialect });
    admin = world.admin.apiKey;
  });
  afterAll(async () => world?.close());

  it('records who did what to which key, from where, and filters by action, actor and target', async () => {
    const key = await world.createKey({ name: 'audited', scopes: ['export'] });
    await world.request({
      method: 'POST',
      url: `/v1/keys/${key.id}/disable`,
      key: admin,
      headers: { 'user-agent': 'audit-test/1' },
    });
    const trail = await world.request({ url: `/v1/audit?target=${key.id}`, key: admin });
    expect(trail.status).toBe(200);
    expect(trail.body.items.map((e: { action: string }) => e.action)).toEqual(['key.disable', 'key.create']);
    const disable = trail.body.items[0];
    expect(disable).toMatchObject({
      actor: { type: 'key', id: world.admin.keyId, name: 'Bootstrap admin key' },
      targetType: 'key',
      targetId: key.id,
      before: { enabled: true },
      after: { enabled: false },
      userAgent: 'audit-test/1',
      requestId: expect.stringMatching(/^req_/),
      at: expect.stringMatching(/Z$/),
    });
    const byAction = await world.request({ url: '/v1/audit?action=key.disable', key: admin });
    expect(byAction.body.items.every((e: { action: string }) => e.action === 'key.disable')).toBe(true);
    const byActor = await world.request({ url: `/v1/audit?actor=${world.admin.keyId}&limit=1`, key: admin });
    expect(byActor.body.items).toHaveLength(1);
    expect(byActor.body.nextCursor).toEqual(expect.any(String));
    const next = await world.request({
      url: `/v1/audit?actor=${world.admin.keyId}&limit=1&cursor=${byActor.body.nextCursor}`,
      key: admin,
    });
    expect(next.body.items[0].id).not.toBe(byActor.body.items[0].id);
    expect(JSON.stringify(trail.body)).not.toContain(key.key.split('_')[3]);
  });

  it('refuses a reversed period and callers without audit:read', async () => {
    const reversed = await world.request({
      url: '/v1/audit?from=2030-01-01T00:00:00Z&to=2020-01-01T00:00:00Z',
      key: admin,
    });
    expect(reversed.status).toBe(400);
    const reader = await world.createKey({ name: 'reader', scopes: ['keys:read'] });
    expect((await world.request({ url: '/v1/audit', key: reader.key })).status).toBe(403);
    expect((await world.request({ url: '/v1/exports/audit', key: reader.key })).status).toBe(403);
  });

  it('counts verifications per key, hour and outcome, off the hot path, and keeps lastUsedAt', async () => {
    const key = await world.createKey({ name: 'metered', scopes: ['export'] });
    for (let i = 0; i < 3; i++) await world.verify({ key: key.key });
    await world.verify({ key: key.key, scopes: ['deployment'] });
    // Nothing is written until the batch is flushed.
    const before = await world.request({ url: `/v1/keys/${key.id}/usage`, key: admin });
    expect(before.body.buckets.every((b: { counts: object }) => Object.keys(b.counts).length === 0)).toBe(
      true,
    );
    await world.context.verification.usage.flush();
    const usage = await world.request({ url: `/v1/keys/${key.id}/usage?granularity=hour`, key: admin });
    expect(usage.status).toBe(200);
    const totals = usage.body.buckets.reduce(
      (sum: Record<string, number>, b: { counts: Record<string, number> }) => {
        for (const [code, n] of Object.entries(b.counts)) sum[code] = (sum[code] ?? 0) + n;
        return sum;
      },
      {},
    );
    expect(totals).toEqual({ VALID: 3, INSUFFICIENT_SCOPE: 1 });
    const daily = await world.request({ url: `/v1/keys/${key.id}/usage?granularity=day`, key: admin });
    expect(daily.body.buckets.at(-1).counts.VALID).toBe(3);
    expect((await world.request({ url: `/v1/keys/${key.id}`, key: admin })).body.lastUsedAt).toEqual(
      expect.any(String),
    );
  });

  it('loses no counted verification on a graceful shutdown', async () => {
    const key = await world.createKey({ name: 'shutdown', scopes: [] });
    for (let i = 0; i < 5; i++) await world.verify({ key: key.key });
    await world.restart();
    const usage = await world.request({ url: `/v1/keys/${key.id}/usage`, key: admin });
    const valid = usage.body.buckets.reduce(
      (n: number, b: { counts: { VALID?: number } }) => n + (b.counts.VALID ?? 0),
      0,
    );
    expect(valid).toBe(5);
  });

  it('serves Prometheus metrics by route pattern and outcome', async () => {
    const key = await world.createKey({ name: 'measured', scopes: [] });
    await world.request({ url: `/v1/keys/${key.id}`, key: admin });
    await world.verify({ key: key.key });
    const missing = await world.http({ url: '/v1/nowhere', key: admin });
    expect([missing.status, missing.headers['x-request-id']]).toEqual([404, expect.any(String)]);
    const metrics = await world.request({ url: '/metrics' });
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('keyward_verifications_total{code="VALID"}');
    expect(metrics.text).toMatch(
      /keyward_http_requests_total\{route="\/v1\/keys\/:id",method="GET",status="200"\}/,
    );
    expect(metrics.text).toMatch(
      /keyward_http_requests_total\{route="\/v1\/verify",method="POST",status="200"\} [1-9]/,
    );
    expect(metrics.text).toMatch(
      /keyward_http_requests_total\{route="unmatched",method="GET",status="404"\} [1-9]/,
    );
    expect(metrics.text).toContain('keyward_key_cache_lookups_total{result="hit"}');
    expect(metrics.text).toContain('# TYPE keyward_key_cache_lookups_total counter');
    // The standard names, as stock dashboards expect them.
    expect(metrics.text).toContain('# TYPE process_cpu_seconds_total counter');
    expect(metrics.text).toContain('nodejs_heap_size_used_bytes');
    expect(metrics.text).not.toMatch(/route="\/v1\/keys\/key_/);
  });

  it('streams 200k events of a period as NDJSON in time order, in constant memory', async () => {
    const orgId = world.admin.org.id;
    const total = 200_000;
    const base = Date.parse('2025-01-01T00:00:00Z');
    for (let offset = 0; offset < total; offset += 500) {
      const rows = Array.from({ length: Math.min(500, total - offset) }, (_, i) => {
        const n = offset + i;
        return {
          id: `evt_bulk${String(n).padStart(8, '0')}`,
          org_id: orgId,
          at: base + n * 10,
          actor_type: 'system',
          actor_id: null,
          actor_name: 'bulk',
          action: 'bulk.event',
          target_type: 'test',
          target_id: `t${n}`,
          before_json: null,
          after_json: JSON.stringify({ n, padding: 'x'.repeat(200) }),
          ip: null,
          user_agent: null,
          request_id: null,
        };
      });
      await world.store.db.insertInto('audit_events').values(rows).execute();
    }
    const url = `${await world.listen()}/v1/exports/audit?from=2025-01-01T00:00:00Z&to=2025-01-02T00:00:00Z`;
    const heapBefore = process.memoryUsage().heapUsed;
    let heapWhilePaused = 0;
    const { count, ordered, bytes } = await new Promise<{ count: number; ordered: boolean; bytes: number }>(
      (resolve, reject) => {
        get(url, { headers: { authorization: `Api-Key ${admin}` } }, (response) => {
          expect(response.statusCode).toBe(200);
          expect(response.headers['content-type']).toContain('application/x-ndjson');
          let rest = '';
          let count = 0;
          let last = -1;
          let ordered = true;
          let bytes = 0;
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            bytes += chunk.length;
            const lines = (rest + chunk).split('\n');
            rest = lines.pop() ?? '';
            for (const line of lines) {
              const event = JSON.parse(line) as { after: { n: number } };
              if (event.after.n <= last) ordered = false;
              last = event.after.n;
              count++;
            }
            if (heapWhilePaused === 0) {
              // A slow reader: a server that buffered the export would now hold all of it.
              response.pause();
              setTimeout(() => {
                heapWhilePaused = process.memoryUsage().heapUsed;
                response.resume();
              }, 1500);
            }
          });
          response.on('end', () => resolve({ count, ordered, bytes }));
          response.on('error', reject);
        }).on('error', reject);
      },
    );
    expect(count).toBe(total);
    expect(ordered).toBe(true);
    // The export is ~50 MB; while the reader is paused the server holds a few batches of 1000
    // rows (backpressure stops it reading further), never the period.
    expect(bytes).toBeGreaterThan(40_000_000);
    expect(heapWhilePaused - heapBefore).toBeLessThan(bytes / 4);
  }, 180_000);
});
