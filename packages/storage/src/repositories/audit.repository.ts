import type { Actor, AuditEvent } from '@keyward/core';
import type { Kysely, Selectable } from 'kysely';
import type { AuditEventTable, Database } from '../database.ts';
import { fromJsonOrNull, toJsonOrNull } from './json.ts';
import { decodeCursor, encodeCursor, type Page } from './page.ts';

export function auditRowToEvent(row: Selectable<AuditEventTable>): AuditEvent {
  return {
    id: row.id,
    orgId: row.org_id,
    at: row.at,
    actor: { type: row.actor_type as Actor['type'], id: row.actor_id, name: row.actor_name },
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    before: fromJsonOrNull(row.before_json),
    after: fromJsonOrNull(row.after_json),
    ip: row.ip,
    userAgent: row.user_agent,
    requestId: row.request_id,
  };
}

/** Appends an event. The audit table is append-only: nothing updates or deletes events. */
export async function insertAuditEvent(db: Kysely<Database>, event: AuditEvent): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      id: event.id,
      org_id: event.orgId,
      at: event.at,
      actor_type: event.actor.type,
      actor_id: event.actor.id,
      actor_name: event.actor.name,
      action: event.action,
      target_type: event.targetType,
      target_id: event.targetId,
      before_json: toJsonOrNull(event.before),
      after_json: toJsonOrNull(event.after),
      ip: event.ip,
      user_agent: event.userAgent,
      request_id: event.requestId,
    })
    .execute();
}

export interface AuditFilter {
  orgId: string;
  from?: number | undefined;
  to?: number | undefined;
  actorId?: string | undefined;
  action?: string | undefined;
  targetId?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** Events of an organization, newest first, keyset-paginated over `(at, id)`. */
export async function listAuditEvents(
  db: Kysely<Database>,
  filter: AuditFilter,
): Promise<Page<AuditEvent> | 'bad-cursor'> {
  let query = db.selectFrom('audit_events').selectAll().where('org_id', '=', filter.orgId);
  if (filter.from !== undefined) query = query.where('at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('at', '<', filter.to);
  if (filter.actorId) query = query.where('actor_id', '=', filter.actorId);
  if (filter.action) query = query.where('action', '=', filter.action);
  if (filter.targetId) query = query.where('target_id', '=', filter.targetId);
  if (filter.cursor !== undefined) {
    const cursor = decodeCursor(filter.cursor);
    if (!cursor) return 'bad-cursor';
    query = query.where((eb) =>
      eb.or([
        eb('at', '<', cursor.createdAt),
        eb.and([eb('at', '=', cursor.createdAt), eb('id', '<', cursor.id)]),
      ]),
    );
  }
  const rows = await query
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit + 1)
    .execute();
  const hasMore = rows.length > filter.limit;
  const page = hasMore ? rows.slice(0, filter.limit) : rows;
  const last = page[page.length - 1];
  return {
    items: page.map(auditRowToEvent),
    nextCursor: hasMore && last ? encodeCursor({ createdAt: last.at, id: last.id }) : null,
  };
}

/**
 * Events of an organization in `[from, to)`, oldest first, one batch after `after` (keyset on
 * `(at, id)`): the export reads the period batch by batch, so memory stays flat.
 */
export async function listAuditBatch(
  db: Kysely<Database>,
  options: {
    orgId: string;
    from: number;
    to: number;
    after: { at: number; id: string } | null;
    limit: number;
  },
): Promise<AuditEvent[]> {
  let query = db
    .selectFrom('audit_events')
    .selectAll()
    .where('org_id', '=', options.orgId)
    .where('at', '>=', options.from)
    .where('at', '<', options.to);
  const after = options.after;
  if (after) {
    query = query.where((eb) =>
      eb.or([eb('at', '>', after.at), eb.and([eb('at', '=', after.at), eb('id', '>', after.id)])]),
    );
  }
  const rows = await query.orderBy('at').orderBy('id').limit(options.limit).execute();
  return rows.map(auditRowToEvent);
}
