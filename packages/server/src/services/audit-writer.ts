import { type Actor, newSortableId } from '@keyward/core';
import { type Database, insertAuditEvent } from '@keyward/storage';
import type { Kysely } from 'kysely';
import type { RequestContext } from '../auth/principal.ts';

/** What changed, for one audit event. `before`/`after` must already be free of secrets. */
export interface AuditChange {
  orgId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  before?: unknown;
  after?: unknown;
}

/**
 * Appends an audit event inside the caller's transaction, so the change and its event are
 * stored together or not at all.
 */
export async function writeAudit(
  trx: Kysely<Database>,
  event: AuditChange & { actor: Actor; at: number; context: RequestContext },
): Promise<void> {
  await insertAuditEvent(trx, {
    id: newSortableId('audit', event.at),
    orgId: event.orgId,
    at: event.at,
    actor: event.actor,
    action: event.action,
    targetType: event.targetType,
    targetId: event.targetId,
    before: event.before ?? null,
    after: event.after ?? null,
    ip: event.context.ip,
    userAgent: event.context.userAgent,
    requestId: event.context.requestId,
  });
}
