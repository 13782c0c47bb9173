/**
 * @module Audit and usage routes
 *
 * `GET /v1/audit` (filtered, cursor pages, newest first), `GET /v1/exports/audit` (every event
 * of a period as NDJSON, oldest first, streamed batch by batch in constant memory) and
 * `GET /v1/keys/{id}/usage` (verifications by outcome per hour or day).
 */
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type AuditEvent, KEYWARD_SCOPES, KeywardError } from '@keyward/core';
import { listAuditBatch, listAuditEvents, listUsage } from '@keyward/storage';
import { Type } from '@sinclair/typebox';
import { type AppContext, principalOf } from '../../app/app-context.ts';
import { AuditQuery, ExportQuery, Usage, UsageQuery } from '../../schemas/audit.schema.ts';
import { adminSecurity, errorResponses, IdParams, PageOf, toIso } from '../../schemas/common.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const EXPORT_BATCH = 1000;
const MAX_BUCKETS = 2400;

export function renderAuditEvent(event: AuditEvent) {
  return { ...event, at: toIso(event.at) };
}

/** Reads `from`/`to` (ISO) into epoch ms, refusing an empty or reversed period. */
function period(
  query: { from?: string | undefined; to?: string | undefined },
  defaults: { from: number; to: number },
) {
  const from = query.from === undefined ? defaults.from : Date.parse(query.from);
  const to = query.to === undefined ? defaults.to : Date.parse(query.to);
  if (!(from < to)) {
    throw new KeywardError('VALIDATION_FAILED', {
      message: '"from" must be before "to".',
      details: { field: 'from' },
    });
  }
  return { from, to };
}

export function auditRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const readAudit = ctx.auth.require([KEYWARD_SCOPES.auditRead]);
  const readKeys = ctx.auth.require([KEYWARD_SCOPES.keysRead]);
  const { store, clock } = ctx;
  return async (app) => {
    app.get(
      '/v1/audit',
      {
        preHandler: readAudit,
        schema: {
          tags: ['audit'],
          security: adminSecurity,
          operationId: 'listAuditEvents',
          summary: "Read the organization's audit trail",
          description:
            "The organization's audit trail, newest first, filtered by period, actor, action and target.",
          querystring: AuditQuery,
          response: { 200: PageOf(Type.Ref('AuditEvent'), 'AuditPage'), ...errorResponses },
        },
      },
      async (request) => {
        const query = request.query;
        const { from, to } = period(query, { from: 0, to: clock() + 1 });
        const page = await listAuditEvents(store.db, {
          orgId: principalOf(request).orgId,
          from,
          to,
          actorId: query.actor,
          action: query.action,
          targetId: query.target,
          limit: query.limit ?? 50,
          cursor: query.cursor,
        });
        if (page === 'bad-cursor') throw new KeywardError('INVALID_CURSOR');
        return { items: page.items.map(renderAuditEvent), nextCursor: page.nextCursor };
      },
    );

    app.get(
      '/v1/exports/audit',
      {
        preHandler: readAudit,
        schema: {
          tags: ['audit'],
          security: adminSecurity,
          operationId: 'exportAuditEvents',
          summary: 'Export every audit event of a period',
          description: 'Newline-delimited JSON (one AuditEvent per line), oldest first, streamed.',
          querystring: ExportQuery,
          response: {
            200: { content: { 'application/x-ndjson': { schema: Type.String() } } },
            ...errorResponses,
          },
        },
      },
      async (request, reply) => {
        const { from, to } = period(request.query, { from: 0, to: clock() + 1 });
        const orgId = principalOf(request).orgId;
        async function* lines() {
          let after: { at: number; id: string } | null = null;
          for (;;) {
            const batch = await listAuditBatch(store.db, { orgId, from, to, after, limit: EXPORT_BATCH });
            if (batch.length === 0) return;
            yield `${batch.map((event) => JSON.stringify(renderAuditEvent(event))).join('\n')}\n`;
            const last = batch[batch.length - 1] as AuditEvent;
            after = { at: last.at, id: last.id };
            if (batch.length < EXPORT_BATCH) return;
          }
        }
        const filename = `keyward-audit-${new Date(from).toISOString().slice(0, 10)}-${new Date(to).toISOString().slice(0, 10)}.ndjson`;
        reply.header('content-type', 'application/x-ndjson; charset=utf-8');
        reply.header('content-disposition', `attachment; filename="${filename}"`);
        return reply.send(Readable.from(lines()));
      },
    );

    app.get(
      '/v1/keys/:id/usage',
      {
        preHandler: readKeys,
        schema: {
          tags: ['keys'],
          security: adminSecurity,
          operationId: 'getKeyUsage',
          summary: 'Verifications of a key by outcome over time',
          description:
            'Verification counts by outcome per hour or day, over a period (at most 2,400 buckets).',
          params: IdParams,
          querystring: UsageQuery,
          response: { 200: Usage, ...errorResponses },
        },
      },
      async (request) => {
        const { key } = await ctx.keys.get(principalOf(request), request.params.id);
        const granularity = request.query.granularity ?? 'hour';
        const step = granularity === 'hour' ? HOUR_MS : DAY_MS;
        const now = clock();
        const defaults = { from: now - (granularity === 'hour' ? DAY_MS : 30 * DAY_MS), to: now };
        const range = period(request.query, defaults);
        const start = range.from - (range.from % step);
        if ((range.to - start) / step > MAX_BUCKETS) {
          throw new KeywardError('VALIDATION_FAILED', {
            message: `At most ${MAX_BUCKETS} buckets per request.`,
            details: { field: 'from' },
          });
        }
        const rows = await listUsage(store.db, { keyId: key.id, from: start, to: range.to });
        const buckets = new Map<number, Record<string, number>>();
        for (let t = start; t < range.to; t += step) buckets.set(t, {});
        for (const row of rows) {
          const bucket = buckets.get(row.hour - (row.hour % step));
          if (bucket) bucket[row.outcome] = (bucket[row.outcome] ?? 0) + row.count;
        }
        return { granularity, buckets: [...buckets].map(([t, counts]) => ({ start: toIso(t), counts })) };
      },
    );
  };
}
